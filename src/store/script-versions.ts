// Immutable snapshots of a script: version 1 at creation, N+1 on each save.
import type { ScriptInput } from '../domain/script.js';
import type { Queryable } from './queryable.js';

export interface ScriptVersion {
  readonly scriptId: string;
  readonly version: number;
  readonly snapshot: ScriptInput;
  readonly compiledCode: string;
  readonly sourceMap: string | null;
  readonly lineOffset: number;
  readonly changeNote: string;
  readonly createdBy: number | null;
  readonly createdByLabel: string | null;
  readonly createdAt: Date;
}

const COLUMNS = `v.script_id AS "scriptId", v.version, v.snapshot, v.compiled_code AS "compiledCode",
  v.source_map AS "sourceMap", v.line_offset AS "lineOffset", v.change_note AS "changeNote", v.created_by AS "createdBy",
  u.email AS "createdByLabel", v.created_at AS "createdAt"`;

export async function insertVersion(
  db: Queryable,
  v: {
    tenantId: string;
    scriptId: string;
    version: number;
    snapshot: ScriptInput;
    compiledCode: string;
    sourceMap: string | null;
    lineOffset: number;
    changeNote: string;
    createdBy: number | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO script_versions (tenant_id, script_id, version, snapshot, compiled_code, source_map,
       line_offset, change_note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      v.tenantId,
      v.scriptId,
      v.version,
      JSON.stringify(v.snapshot),
      v.compiledCode,
      v.sourceMap,
      v.lineOffset,
      v.changeNote,
      v.createdBy,
    ],
  );
}

export async function listVersions(
  db: Queryable,
  tenantId: string,
  scriptId: string,
): Promise<ScriptVersion[]> {
  const r = await db.query<ScriptVersion>(
    `SELECT ${COLUMNS} FROM script_versions v LEFT JOIN users u ON u.id = v.created_by
      WHERE v.tenant_id = $1 AND v.script_id = $2 ORDER BY v.version DESC`,
    [tenantId, scriptId],
  );
  return r.rows;
}

export async function findVersion(
  db: Queryable,
  tenantId: string,
  scriptId: string,
  version: number,
): Promise<ScriptVersion | null> {
  const r = await db.query<ScriptVersion>(
    `SELECT ${COLUMNS} FROM script_versions v LEFT JOIN users u ON u.id = v.created_by
      WHERE v.tenant_id = $1 AND v.script_id = $2 AND v.version = $3`,
    [tenantId, scriptId, version],
  );
  return r.rows[0] ?? null;
}
