// Tenants: one query per function.
import type { Queryable } from './queryable.js';

export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly createdAt: Date;
}

const COLUMNS = 'id, slug, name, created_at AS "createdAt"';

export async function insertTenant(
  db: Queryable,
  t: { slug: string; name: string },
): Promise<Tenant> {
  const r = await db.query<Tenant>(
    `INSERT INTO tenants (slug, name) VALUES ($1, $2) RETURNING ${COLUMNS}`,
    [t.slug, t.name],
  );
  return r.rows[0]!;
}

export async function findTenantBySlug(db: Queryable, slug: string): Promise<Tenant | null> {
  const r = await db.query<Tenant>(`SELECT ${COLUMNS} FROM tenants WHERE slug = $1`, [slug]);
  return r.rows[0] ?? null;
}

export async function findTenantById(db: Queryable, id: string): Promise<Tenant | null> {
  const r = await db.query<Tenant>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function listTenants(db: Queryable): Promise<Tenant[]> {
  return (await db.query<Tenant>(`SELECT ${COLUMNS} FROM tenants ORDER BY created_at, slug`)).rows;
}
