// Start-up check of the tenant-data schema: every table scripts can reach must be isolated by
// row-level security, and the script role must be as restricted as the migration made it.
// The service refuses to start when this returns problems (SPEC §9.3).
import type pg from 'pg';

/** Schema whose tables scripts query through sdk.db. */
export const TENANT_DATA_SCHEMA = 'tenant_data';
/** NOLOGIN role script SQL runs as (SET LOCAL ROLE); created by migration 0002. */
export const SCRIPT_ROLE = 'jsruntime_script';

interface RelationRow {
  name: string;
  kind: string;
  rls: boolean;
  forced: boolean;
  tenant_id_type: string | null;
  policies: number;
  security_invoker: boolean;
}

interface RoleRow {
  rolsuper: boolean;
  rolbypassrls: boolean;
  rolcanlogin: boolean;
  rolcreaterole: boolean;
  rolcreatedb: boolean;
}

const RELATIONS_SQL = `
  SELECT c.relname AS name,
         c.relkind::text AS kind,
         c.relrowsecurity AS rls,
         c.relforcerowsecurity AS forced,
         (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
           WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             AND a.attnum > 0) AS tenant_id_type,
         (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
         coalesce('security_invoker=true' = ANY (c.reloptions), false) AS security_invoker
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   ORDER BY c.relname`;

/** Tables outside tenant_data the script role can read or change (should be none). */
const LEAKED_TABLES_SQL = `
  SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
     AND n.nspname NOT IN ($1, 'pg_catalog', 'information_schema')
     AND n.nspname NOT LIKE 'pg\\_toast%'
     AND n.nspname NOT LIKE 'pg\\_temp%'
     AND has_schema_privilege($2, n.oid, 'USAGE')
     AND has_table_privilege($2, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
   ORDER BY 1`;

/** Returns human-readable problems; an empty list means the schema is safe to serve. */
export async function checkTenantDataSchema(pool: pg.Pool): Promise<string[]> {
  const problems: string[] = [];

  const schema = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
    TENANT_DATA_SCHEMA,
  ]);
  if (schema.rowCount === 0) return [`schema ${TENANT_DATA_SCHEMA} does not exist`];

  const relations = await pool.query<RelationRow>(RELATIONS_SQL, [TENANT_DATA_SCHEMA]);
  for (const r of relations.rows) {
    const name = `${TENANT_DATA_SCHEMA}.${r.name}`;
    if (r.kind === 'v') {
      // A view runs with its owner's rights and bypasses the caller's RLS unless security_invoker.
      if (!r.security_invoker) problems.push(`view ${name} must have security_invoker = true`);
      continue;
    }
    if (r.kind === 'm' || r.kind === 'f') {
      problems.push(
        `${name} is a ${r.kind === 'm' ? 'materialized view' : 'foreign table'}, which cannot have row-level security`,
      );
      continue;
    }
    if (r.tenant_id_type === null) problems.push(`table ${name} has no tenant_id column`);
    else if (r.tenant_id_type !== 'uuid') {
      problems.push(`table ${name}: tenant_id must be uuid, not ${r.tenant_id_type}`);
    }
    if (!r.rls) problems.push(`table ${name} does not ENABLE ROW LEVEL SECURITY`);
    if (!r.forced) problems.push(`table ${name} does not FORCE ROW LEVEL SECURITY`);
    if (r.policies === 0) problems.push(`table ${name} has no row-level security policy`);
  }

  const role = await pool.query<RoleRow>(
    `SELECT rolsuper, rolbypassrls, rolcanlogin, rolcreaterole, rolcreatedb
       FROM pg_roles WHERE rolname = $1`,
    [SCRIPT_ROLE],
  );
  const r = role.rows[0];
  if (!r) {
    problems.push(`role ${SCRIPT_ROLE} does not exist`);
    return problems;
  }
  for (const attr of [
    'rolsuper',
    'rolbypassrls',
    'rolcanlogin',
    'rolcreaterole',
    'rolcreatedb',
  ] as const) {
    if (r[attr]) problems.push(`role ${SCRIPT_ROLE} must not have ${attr.slice(3).toUpperCase()}`);
  }
  const member = await pool.query<{ ok: boolean }>(
    `SELECT pg_has_role(current_user, $1, 'MEMBER') AS ok`,
    [SCRIPT_ROLE],
  );
  if (!member.rows[0]?.ok) {
    problems.push(`the service's database user cannot SET ROLE ${SCRIPT_ROLE}`);
  }
  const leaked = await pool.query<{ name: string }>(LEAKED_TABLES_SQL, [
    TENANT_DATA_SCHEMA,
    SCRIPT_ROLE,
  ]);
  for (const t of leaked.rows) problems.push(`role ${SCRIPT_ROLE} can access ${t.name}`);
  return problems;
}
