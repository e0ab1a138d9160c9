// Execution records: one query per function. Writes of running/finished states go through
// dispatch/execution-recorder.ts (group commit); these are the reads and the odd single update.
import type { Queryable } from './queryable.js';

export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'timeout',
  'cancelled',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const FINAL_STATUSES: readonly ExecutionStatus[] = [
  'completed',
  'failed',
  'timeout',
  'cancelled',
];

export interface ExecutionRow {
  readonly id: string;
  readonly tenantId: string;
  readonly scriptId: string;
  readonly scriptName?: string;
  readonly scriptVersion: number;
  readonly status: ExecutionStatus;
  readonly triggerType: 'cron' | 'http' | 'event' | 'manual' | 'api';
  readonly triggerData: Record<string, unknown>;
  readonly input: unknown;
  readonly output: unknown;
  readonly error: { code: string; message: string; line?: number; column?: number } | null;
  readonly logs: unknown[];
  readonly logsDropped: number;
  readonly metrics: Record<string, number> | null;
  readonly attempt: number;
  readonly userId: number | null;
  readonly nodeId: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

const COLUMNS = `e.id, e.tenant_id AS "tenantId", e.script_id AS "scriptId", e.script_version AS "scriptVersion",
  e.status, e.trigger_type AS "triggerType", e.trigger_data AS "triggerData", e.input, e.output, e.error,
  e.logs, e.logs_dropped AS "logsDropped", e.metrics, e.attempt, e.user_id AS "userId",
  e.node_id AS "nodeId", e.created_at AS "createdAt", e.started_at AS "startedAt",
  e.completed_at AS "completedAt"`;

/** Without logs, for lists. */
const LIST_COLUMNS = COLUMNS.replace('e.logs,', "'[]'::jsonb AS logs,");

export async function findExecution(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<ExecutionRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await db.query<ExecutionRow>(
    `SELECT ${COLUMNS}, s.name AS "scriptName" FROM script_executions e JOIN scripts s ON s.id = e.script_id
      WHERE e.tenant_id = $1 AND e.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export async function listScriptExecutions(
  db: Queryable,
  tenantId: string,
  scriptId: string,
  page: { limit: number; offset: number; status?: ExecutionStatus | undefined },
): Promise<ExecutionRow[]> {
  const r = await db.query<ExecutionRow>(
    `SELECT ${LIST_COLUMNS} FROM script_executions e
      WHERE e.tenant_id = $1 AND e.script_id = $2 AND ($5::text IS NULL OR e.status = $5)
      ORDER BY e.created_at DESC, e.id LIMIT $3 OFFSET $4`,
    [tenantId, scriptId, page.limit, page.offset, page.status ?? null],
  );
  return r.rows;
}

export interface NewPendingExecution {
  readonly id: string;
  readonly tenantId: string;
  readonly scriptId: string;
  readonly scriptVersion: number;
  readonly triggerType: ExecutionRow['triggerType'];
  readonly triggerData: unknown;
  readonly input: unknown;
  readonly userId: number | null;
  readonly attempt?: number;
}

/** A queued execution: inserted as pending in the same transaction as its job. */
export async function insertPendingExecution(
  db: Queryable,
  e: NewPendingExecution,
): Promise<ExecutionRow> {
  const r = await db.query<ExecutionRow>(
    `INSERT INTO script_executions AS e (id, tenant_id, script_id, script_version, status, trigger_type,
       trigger_data, input, user_id, attempt)
     VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [
      e.id,
      e.tenantId,
      e.scriptId,
      e.scriptVersion,
      e.triggerType,
      JSON.stringify(e.triggerData ?? {}),
      JSON.stringify(e.input ?? {}),
      e.userId,
      e.attempt ?? 1,
    ],
  );
  return r.rows[0]!;
}

/** Many queued executions in one statement (cron fan-out). */
export async function insertPendingExecutions(
  db: Queryable,
  rows: readonly NewPendingExecution[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO script_executions (id, tenant_id, script_id, script_version, status, trigger_type,
       trigger_data, input, user_id, attempt)
     SELECT r.id, r.tenant_id, r.script_id, r.script_version, 'pending', r.trigger_type, r.trigger_data,
            r.input, r.user_id, r.attempt
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::jsonb[], $7::jsonb[],
                   $8::bigint[], $9::int[])
         AS r(id, tenant_id, script_id, script_version, trigger_type, trigger_data, input, user_id, attempt)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.tenantId),
      rows.map((r) => r.scriptId),
      rows.map((r) => r.scriptVersion),
      rows.map((r) => r.triggerType),
      rows.map((r) => JSON.stringify(r.triggerData ?? {})),
      rows.map((r) => JSON.stringify(r.input ?? {})),
      rows.map((r) => r.userId),
      rows.map((r) => r.attempt ?? 1),
    ],
  );
}

/** Claims a pending execution for this node; null when it was cancelled or claimed already. */
export async function claimExecution(
  db: Queryable,
  id: string,
  nodeId: string,
): Promise<ExecutionRow | null> {
  const r = await db.query<ExecutionRow>(
    `UPDATE script_executions AS e SET status = 'running', node_id = $2, started_at = now()
      WHERE e.id = $1 AND e.status = 'pending' RETURNING ${COLUMNS}`,
    [id, nodeId],
  );
  return r.rows[0] ?? null;
}

/** Cancels a pending or running execution; returns the row as it is now (or null if unknown). */
export async function cancelExecution(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<{ cancelled: boolean; row: ExecutionRow | null }> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return { cancelled: false, row: null };
  const r = await db.query<ExecutionRow>(
    `UPDATE script_executions AS e
        SET status = 'cancelled', completed_at = now(),
            error = '{"code":"CANCELLED","message":"Execution cancelled"}'::jsonb
      WHERE e.tenant_id = $1 AND e.id = $2 AND e.status IN ('pending', 'running')
      RETURNING ${COLUMNS}`,
    [tenantId, id],
  );
  if (r.rows[0]) return { cancelled: true, row: r.rows[0] };
  return { cancelled: false, row: await findExecution(db, tenantId, id) };
}

export async function countActiveExecutions(db: Queryable, scriptId: string): Promise<number> {
  const r = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM script_executions WHERE script_id = $1 AND status = 'running'",
    [scriptId],
  );
  return r.rows[0]!.n;
}
