// Event-triggered executions that fail are retried 3 times, 2 s, 4 s and 8 s later (SPEC §5);
// after the last retry the event becomes a dead letter for review and replay.
import { randomUUID } from 'node:crypto';
import { addJobs } from '../../dispatch/queue.js';
import { insertPendingExecution } from '../../store/executions.js';
import type { Queryable } from '../../store/queryable.js';

export const MAX_ATTEMPTS = 4;

/** Delay before attempt n+1 after attempt n failed: 2, 4, 8 seconds. */
export function retryDelayMs(failedAttempt: number): number {
  return 1000 * 2 ** failedAttempt;
}

export interface FailedEventRun {
  readonly id: string;
  readonly tenantId: string;
  readonly scriptId: string;
  readonly scriptVersion: number;
  readonly attempt: number;
  readonly triggerData: Record<string, unknown>;
  readonly input: unknown;
  readonly error: unknown;
}

/** Queues the next attempt, or writes the dead letter after the last one. */
export async function afterEventFailure(
  db: Queryable,
  run: FailedEventRun,
  now = Date.now(),
): Promise<'retried' | 'dead-letter'> {
  if (run.attempt < MAX_ATTEMPTS) {
    const id = randomUUID();
    // Retries run the script's current version: a fix saved meanwhile gets its chance.
    const current = await db.query<{ version: number }>(
      'SELECT version FROM scripts WHERE id = $1',
      [run.scriptId],
    );
    await insertPendingExecution(db, {
      id,
      tenantId: run.tenantId,
      scriptId: run.scriptId,
      scriptVersion: current.rows[0]?.version ?? run.scriptVersion,
      triggerType: 'event',
      triggerData: { ...run.triggerData, retryOf: run.id },
      input: run.input,
      userId: null,
      attempt: run.attempt + 1,
    });
    await addJobs(db, [
      {
        task: 'run_execution',
        payload: { executionId: id },
        runAt: new Date(now + retryDelayMs(run.attempt)),
      },
    ]);
    return 'retried';
  }
  await db.query(
    `INSERT INTO script_event_dead_letters (tenant_id, script_id, event_id, event_type, payload, chain_depth,
       last_execution_id, last_error, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      run.tenantId,
      run.scriptId,
      run.triggerData.eventId,
      run.triggerData.eventType,
      JSON.stringify(run.triggerData.payload ?? {}),
      Number(run.triggerData.chainDepth ?? 0),
      run.id,
      JSON.stringify(run.error ?? null),
      run.attempt,
    ],
  );
  return 'dead-letter';
}
