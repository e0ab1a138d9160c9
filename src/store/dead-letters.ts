// Dead letters: event executions that failed every retry, kept for review and replay.
import type { Queryable } from './queryable.js';

export interface DeadLetter {
  readonly id: string;
  readonly tenantId: string;
  readonly scriptId: string;
  readonly scriptName: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly payload: unknown;
  readonly chainDepth: number;
  readonly lastExecutionId: string | null;
  readonly lastError: { code?: string; message?: string } | null;
  readonly attempts: number;
  readonly createdAt: Date;
  readonly replayedAt: Date | null;
}

const COLUMNS = `d.id, d.tenant_id AS "tenantId", d.script_id AS "scriptId", s.name AS "scriptName",
  d.event_id AS "eventId", d.event_type AS "eventType", d.payload, d.chain_depth AS "chainDepth",
  d.last_execution_id AS "lastExecutionId", d.last_error AS "lastError", d.attempts,
  d.created_at AS "createdAt", d.replayed_at AS "replayedAt"`;

export async function listDeadLetters(
  db: Queryable,
  tenantId: string,
  page: { limit: number; offset: number },
): Promise<DeadLetter[]> {
  const r = await db.query<DeadLetter>(
    `SELECT ${COLUMNS} FROM script_event_dead_letters d JOIN scripts s ON s.id = d.script_id
      WHERE d.tenant_id = $1 ORDER BY d.created_at DESC, d.id LIMIT $2 OFFSET $3`,
    [tenantId, page.limit, page.offset],
  );
  return r.rows;
}

export async function findDeadLetter(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<DeadLetter | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await db.query<DeadLetter>(
    `SELECT ${COLUMNS} FROM script_event_dead_letters d JOIN scripts s ON s.id = d.script_id
      WHERE d.tenant_id = $1 AND d.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export async function markReplayed(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE script_event_dead_letters SET replayed_at = now() WHERE id = $1', [id]);
}

export async function deleteDeadLetter(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const r = await db.query(
    'DELETE FROM script_event_dead_letters WHERE tenant_id = $1 AND id = $2',
    [tenantId, id],
  );
  return (r.rowCount ?? 0) > 0;
}
