// Scripts (the source of truth for their configuration): one query per function.
import type { ScriptInput, ScriptStatus, ScriptType } from '../domain/script.js';
import type { Queryable } from './queryable.js';

export interface Script extends ScriptInput {
  readonly id: string;
  readonly tenantId: string;
  readonly organizationId: string | null;
  readonly version: number;
  readonly compiledCode: string;
  readonly sourceMap: string | null;
  readonly lineOffset: number;
  readonly createdBy: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What the sandbox runs: see runtime/compile.ts. */
export interface CompiledSource {
  readonly compiledCode: string;
  readonly sourceMap: string | null;
  readonly lineOffset: number;
}

export interface LastExecution {
  readonly id: string;
  readonly status: string;
  readonly createdAt: Date;
}

export interface ScriptListItem extends Script {
  readonly lastExecution: LastExecution | null;
}

const COLUMNS = `s.id, s.tenant_id AS "tenantId", s.organization_id AS "organizationId", s.name,
  s.description, s.source, s.language, s.type, s.status, s.cron_expression AS "cronExpression",
  s.timezone, s.http_path AS "httpPath", s.http_methods AS "httpMethods", s.http_auth AS "httpAuth",
  s.event_types AS "eventTypes", s.limits, s.tags, s.version, s.compiled_code AS "compiledCode",
  s.source_map AS "sourceMap", s.line_offset AS "lineOffset", s.created_by AS "createdBy", s.created_at AS "createdAt",
  s.updated_at AS "updatedAt"`;

function params(input: ScriptInput, compiled: CompiledSource): unknown[] {
  return [
    input.name,
    input.description,
    input.source,
    input.language,
    compiled.compiledCode,
    compiled.sourceMap,
    input.type,
    input.status,
    input.cronExpression,
    input.timezone,
    input.httpPath,
    input.httpMethods,
    input.httpAuth,
    input.eventTypes,
    JSON.stringify(input.limits),
    input.tags,
    compiled.lineOffset,
  ];
}

export async function insertScript(
  db: Queryable,
  s: {
    tenantId: string;
    organizationId: string | null;
    createdBy: number | null;
    input: ScriptInput;
    compiled: CompiledSource;
  },
): Promise<Script> {
  const r = await db.query<Script>(
    `INSERT INTO scripts AS s (name, description, source, language, compiled_code, source_map, type,
       status, cron_expression, timezone, http_path, http_methods, http_auth, event_types, limits,
       tags, line_offset, tenant_id, organization_id, created_by, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1)
     RETURNING ${COLUMNS}`,
    [...params(s.input, s.compiled), s.tenantId, s.organizationId, s.createdBy],
  );
  return r.rows[0]!;
}

/** Writes a new configuration and bumps the version; null when the script is gone. */
export async function updateScript(
  db: Queryable,
  s: { tenantId: string; id: string; input: ScriptInput; compiled: CompiledSource },
): Promise<Script | null> {
  const r = await db.query<Script>(
    `UPDATE scripts AS s SET name = $1, description = $2, source = $3, language = $4,
       compiled_code = $5, source_map = $6, type = $7, status = $8, cron_expression = $9,
       timezone = $10, http_path = $11, http_methods = $12, http_auth = $13, event_types = $14,
       limits = $15, tags = $16, line_offset = $17, version = s.version + 1, updated_at = now()
     WHERE s.tenant_id = $18 AND s.id = $19
     RETURNING ${COLUMNS}`,
    [...params(s.input, s.compiled), s.tenantId, s.id],
  );
  return r.rows[0] ?? null;
}

export async function updateScriptStatus(
  db: Queryable,
  tenantId: string,
  id: string,
  status: ScriptStatus,
): Promise<Script | null> {
  const r = await db.query<Script>(
    `UPDATE scripts AS s SET status = $3, updated_at = now() WHERE s.tenant_id = $1 AND s.id = $2
     RETURNING ${COLUMNS}`,
    [tenantId, id, status],
  );
  return r.rows[0] ?? null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

export async function findScript(
  db: Queryable,
  tenantId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Script | null> {
  if (!isUuid(id)) return null;
  const r = await db.query<Script>(
    `SELECT ${COLUMNS} FROM scripts s WHERE s.tenant_id = $1 AND s.id = $2${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export async function findScriptByName(
  db: Queryable,
  tenantId: string,
  name: string,
): Promise<Script | null> {
  const r = await db.query<Script>(
    `SELECT ${COLUMNS} FROM scripts s WHERE s.tenant_id = $1 AND s.name = $2`,
    [tenantId, name],
  );
  return r.rows[0] ?? null;
}

/**
 * An active script the hot paths run without asking for it by name first: an HTTP script with
 * its endpoint (httpPath, methods, auth set) or an embedded script (those null).
 */
export interface RunnableScriptRow {
  readonly id: string;
  readonly name: string;
  readonly type: 'http' | 'embedded';
  readonly version: number;
  readonly httpPath: string | null;
  readonly methods: string[] | null;
  readonly auth: 'token' | 'public' | null;
}

export async function listRunnableScripts(
  db: Queryable,
  tenantId: string,
): Promise<RunnableScriptRow[]> {
  const r = await db.query<RunnableScriptRow>(
    `SELECT s.id, s.name, s.type, s.version, e.http_path AS "httpPath", e.methods, e.auth
       FROM scripts s LEFT JOIN script_http_endpoints e ON e.script_id = s.id
      WHERE s.tenant_id = $1 AND s.status = 'active' AND s.type IN ('http', 'embedded')`,
    [tenantId],
  );
  return r.rows;
}

export interface ScriptFilters {
  readonly search?: string | undefined;
  readonly type?: ScriptType | undefined;
  readonly status?: ScriptStatus | undefined;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

export async function listScripts(
  db: Queryable,
  tenantId: string,
  filters: ScriptFilters,
  page: { limit: number; offset: number },
): Promise<{ items: ScriptListItem[]; total: number }> {
  const search = filters.search?.trim() ? `%${escapeLike(filters.search.trim())}%` : null;
  const where = `s.tenant_id = $1
      AND ($2::text IS NULL OR s.name ILIKE $2 OR s.description ILIKE $2)
      AND ($3::text IS NULL OR s.type = $3)
      AND ($4::text IS NULL OR s.status = $4)`;
  const args = [tenantId, search, filters.type ?? null, filters.status ?? null];
  const [rows, count] = await Promise.all([
    db.query<ScriptListItem>(
      `SELECT ${COLUMNS},
         (SELECT json_build_object('id', e.id, 'status', e.status, 'createdAt', e.created_at)
            FROM script_executions e WHERE e.script_id = s.id ORDER BY e.created_at DESC LIMIT 1)
           AS "lastExecution"
         FROM scripts s WHERE ${where}
        ORDER BY s.updated_at DESC, s.name LIMIT $5 OFFSET $6`,
      [...args, page.limit, page.offset],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM scripts s WHERE ${where}`, args),
  ]);
  return { items: rows.rows, total: count.rows[0]!.n };
}

export async function deleteScript(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await db.query('DELETE FROM scripts WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}
