// Bearer API tokens: stored as sha256, shown to their creator once.
import type { Role } from '../domain/permissions.js';
import type { Queryable } from './queryable.js';

export interface ApiTokenInfo {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly role: Role;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

export interface ApiTokenPrincipal extends ApiTokenInfo {
  readonly tenantSlug: string;
}

const COLUMNS = `k.id, k.tenant_id AS "tenantId", k.name, k.role, k.prefix, k.created_at AS "createdAt",
  k.last_used_at AS "lastUsedAt"`;

export async function insertApiToken(
  db: Queryable,
  t: {
    tenantId: string;
    name: string;
    role: Role;
    tokenHash: string;
    prefix: string;
    createdBy: number | null;
  },
): Promise<ApiTokenInfo> {
  const r = await db.query<ApiTokenInfo>(
    `INSERT INTO api_tokens AS k (tenant_id, name, role, token_hash, prefix, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [t.tenantId, t.name, t.role, t.tokenHash, t.prefix, t.createdBy],
  );
  return r.rows[0]!;
}

/** Finds a live token by hash and marks it used (at most once a minute, to spare writes). */
export async function findApiToken(
  db: Queryable,
  tokenHash: string,
): Promise<ApiTokenPrincipal | null> {
  const r = await db.query<ApiTokenPrincipal>(
    `SELECT ${COLUMNS}, t.slug AS "tenantSlug"
       FROM api_tokens k JOIN tenants t ON t.id = k.tenant_id
      WHERE k.token_hash = $1 AND k.revoked_at IS NULL`,
    [tokenHash],
  );
  const found = r.rows[0] ?? null;
  if (found && (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > 60_000)) {
    await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [found.id]);
  }
  return found;
}

export async function listApiTokens(db: Queryable, tenantId: string): Promise<ApiTokenInfo[]> {
  const r = await db.query<ApiTokenInfo>(
    `SELECT ${COLUMNS} FROM api_tokens k WHERE k.tenant_id = $1 AND k.revoked_at IS NULL
      ORDER BY k.created_at DESC`,
    [tenantId],
  );
  return r.rows;
}

export async function revokeApiToken(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<boolean> {
  const r = await db.query(
    'UPDATE api_tokens SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL',
    [tenantId, id],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function tokenHashExists(db: Queryable, tokenHash: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM api_tokens WHERE token_hash = $1', [tokenHash]);
  return (r.rowCount ?? 0) > 0;
}
