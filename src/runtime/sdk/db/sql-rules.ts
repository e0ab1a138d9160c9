// Name rules of the SQL gate: which functions, relations and types script SQL may name.
// Row access itself is enforced by PostgreSQL (RLS + restricted role); these rules keep scripts
// away from session state, server internals and anything that runs SQL from a string.
//
// Functions: unqualified names resolve to pg_catalog (always searched first) or tenant_data.
//  - refused: the names below, any `pg_*` function except PG_ALLOWED, and prefixes that name
//    families (large objects, dblink, *_to_xml which execute a query string, privilege probes);
//  - a schema-qualified call is allowed only into tenant_data or pg_catalog; the gate refuses
//    the token pg_catalog in the SQL text, so pg_catalog calls in the tree are the ones the parser
//    generated for SQL syntax (EXTRACT, SUBSTRING … FROM, SIMILAR TO, AT TIME ZONE, TRIM …).
// Relations: unqualified or tenant_data-qualified only; unqualified `pg_*` names are system
// catalogs (every relation in pg_catalog is named pg_*). Types: no reg* (catalog look-ups) and no
// schema other than pg_catalog/tenant_data.
import { TENANT_DATA_SCHEMA } from '../../../store/tenant-data-check.js';

/** `pg_*` functions scripts may call. */
const PG_ALLOWED = new Set(['pg_typeof']);

const DENIED_FUNCTIONS = new Set([
  // session state and settings (the tenant is a setting)
  'set_config',
  'current_setting',
  'setseed',
  // sequences: shared across tenants and per-session state (lastval leaks other tenants' ids)
  'nextval',
  'currval',
  'setval',
  'lastval',
  // execute a query given as text
  'ts_stat',
  'ts_rewrite',
  // large object access without the lo_ prefix
  'loread',
  'lowrite',
  // server and connection internals
  'version',
  'inet_client_addr',
  'inet_client_port',
  'inet_server_addr',
  'inet_server_port',
  'current_database',
  'current_schema',
  'current_schemas',
  'current_user',
  'current_role',
  'session_user',
  'system_user',
  'current_catalog',
  'user',
  'obj_description',
  'col_description',
  'shobj_description',
  // maintenance
  'gin_clean_pending_list',
]);

const DENIED_PREFIXES = [
  'pg_',
  'lo_',
  'dblink',
  'binary_upgrade_',
  'brin_',
  'query_to_xml',
  'cursor_to_xml',
  'table_to_xml',
  'schema_to_xml',
  'database_to_xml',
  'to_reg',
];

const PRIVILEGE_PROBE = /^has_.*_privilege$/;
const REG_TYPE =
  /^_?reg(class|collation|config|dictionary|namespace|oper|operator|proc|procedure|role|type)$/;
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

/** Why the function may not be called, or null when it may. `name` is the unqualified name. */
export function deniedFunction(name: string): string | null {
  const n = name.toLowerCase();
  if (PG_ALLOWED.has(n)) return null;
  if (DENIED_FUNCTIONS.has(n) || PRIVILEGE_PROBE.test(n)) return `function ${n}() is not allowed`;
  if (DENIED_PREFIXES.some((p) => n.startsWith(p))) return `function ${n}() is not allowed`;
  return null;
}

/** Checks a called function's name list (qualified names come as [schema, name]). */
export function checkFunctionName(names: readonly string[]): string | null {
  const name = names[names.length - 1] ?? '';
  if (names.length > 2) return `function ${names.join('.')}() is not allowed`;
  if (names.length === 2) {
    const schema = names[0] ?? '';
    if (schema !== TENANT_DATA_SCHEMA && schema !== 'pg_catalog') {
      return `function ${names.join('.')}() is not allowed`;
    }
  }
  return deniedFunction(name);
}

/** Checks a table reference (FROM, JOIN, INSERT INTO, UPDATE, DELETE FROM, …). */
export function checkRelation(
  catalog: string | undefined,
  schema: string | undefined,
  relation: string,
): string | null {
  if (catalog)
    return `cross-database reference ${catalog}.${schema ?? ''}.${relation} is not allowed`;
  if (schema !== undefined && schema !== TENANT_DATA_SCHEMA) {
    if (SYSTEM_SCHEMAS.has(schema) || schema.startsWith('pg_')) {
      return `system catalog ${schema}.${relation} is not allowed`;
    }
    return `schema ${schema} is not allowed (only ${TENANT_DATA_SCHEMA} tables)`;
  }
  if (schema === undefined && relation.startsWith('pg_')) {
    return `system catalog ${relation} is not allowed`;
  }
  return null;
}

/** Checks a type name in a cast or column definition list. */
export function checkTypeName(names: readonly string[]): string | null {
  const name = names[names.length - 1] ?? '';
  if (names.length > 2) return `type ${names.join('.')} is not allowed`;
  if (names.length === 2) {
    const schema = names[0] ?? '';
    if (schema !== 'pg_catalog' && schema !== TENANT_DATA_SCHEMA) {
      return `type ${names.join('.')} is not allowed`;
    }
  }
  if (REG_TYPE.test(name)) return `type ${name} is not allowed`;
  return null;
}

/** Checks an operator name list (`OPERATOR(schema.op)` qualifies it). */
export function checkOperatorName(names: readonly string[]): string | null {
  if (names.length > 1 && names[0] !== 'pg_catalog') {
    return `operator ${names.join('.')} is not allowed`;
  }
  return null;
}

/**
 * Attribute notation `t.f` calls f(t) when no column f exists, so a field name is checked like a
 * function name, but only against the `pg_` family: ordinary column names (version, user…) stay
 * usable.
 */
export function checkFieldName(name: string): string | null {
  const n = name.toLowerCase();
  if (n.startsWith('pg_') && !PG_ALLOWED.has(n)) return `field or function ${n} is not allowed`;
  return null;
}

/** SQL value functions (no parentheses) that expose server internals. */
const DENIED_SQL_VALUE_FUNCTIONS: Record<string, string> = {
  SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_CURRENT_ROLE: 'CURRENT_ROLE',
  SVFOP_SESSION_USER: 'SESSION_USER',
  SVFOP_USER: 'USER',
  SVFOP_CURRENT_CATALOG: 'CURRENT_CATALOG',
  SVFOP_CURRENT_SCHEMA: 'CURRENT_SCHEMA',
};

export function checkSqlValueFunction(op: string): string | null {
  const name = DENIED_SQL_VALUE_FUNCTIONS[op];
  return name ? `${name} is not allowed` : null;
}
