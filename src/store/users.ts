// Users of the web UI: one query per function.
import type { Role } from '../domain/permissions.js';
import type { Queryable } from './queryable.js';

export interface User {
  readonly id: number;
  readonly tenantId: string;
  readonly organizationId: string | null;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: Date;
}

export interface UserWithHash extends User {
  readonly passwordHash: string;
}

const COLUMNS = `id, tenant_id AS "tenantId", organization_id AS "organizationId", email, name, role,
  created_at AS "createdAt"`;

export async function insertUser(
  db: Queryable,
  u: { tenantId: string; email: string; name: string; role: Role; passwordHash: string },
): Promise<User> {
  const r = await db.query<User>(
    `INSERT INTO users (tenant_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COLUMNS}`,
    [u.tenantId, u.email, u.name, u.role, u.passwordHash],
  );
  return r.rows[0]!;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserWithHash | null> {
  const r = await db.query<UserWithHash>(
    `SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower($1)`,
    [email],
  );
  return r.rows[0] ?? null;
}

export async function listUsers(db: Queryable, tenantId: string): Promise<User[]> {
  const r = await db.query<User>(
    `SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 ORDER BY email`,
    [tenantId],
  );
  return r.rows;
}

export async function countUsers(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return r.rows[0]!.n;
}

export async function deleteUser(db: Queryable, tenantId: string, id: number): Promise<boolean> {
  const r = await db.query('DELETE FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}
