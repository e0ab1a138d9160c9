// Login sessions: the cookie holds a random id, the table its sha256.
import type { Role } from '../domain/permissions.js';
import type { Queryable } from './queryable.js';

export interface SessionRecord {
  readonly userId: number;
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly organizationId: string | null;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export async function insertSession(
  db: Queryable,
  s: { idHash: string; tenantId: string; userId: number; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id_hash, tenant_id, user_id, csrf_token, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [s.idHash, s.tenantId, s.userId, s.csrfToken, s.expiresAt],
  );
}

export async function findSession(db: Queryable, idHash: string): Promise<SessionRecord | null> {
  const r = await db.query<SessionRecord>(
    `SELECT u.id AS "userId", s.tenant_id AS "tenantId", t.slug AS "tenantSlug", u.email, u.name,
            u.role, u.organization_id AS "organizationId", s.csrf_token AS "csrfToken",
            s.expires_at AS "expiresAt"
       FROM sessions s
       JOIN users u ON u.id = s.user_id
       JOIN tenants t ON t.id = s.tenant_id
      WHERE s.id_hash = $1 AND s.expires_at > now()`,
    [idHash],
  );
  return r.rows[0] ?? null;
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
}

export async function deleteExpiredSessions(db: Queryable): Promise<number> {
  const r = await db.query('DELETE FROM sessions WHERE expires_at <= now()');
  return r.rowCount ?? 0;
}
