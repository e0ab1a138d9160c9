// The queue task that runs one pending execution (manual, cron, event, retries). Busy scripts
// leave the execution pending and re-queue it shortly; event failures go to retries/dead letters.
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';
import type { TriggerInfo } from '../runtime/run-request.js';
import { claimExecution, type ExecutionRow } from '../store/executions.js';
import { withTransaction } from '../store/queryable.js';
import { afterEventFailure } from '../triggers/event/retries.js';
import type { Executor } from './executor.js';
import { addJobs } from './queue.js';
import type { TargetCache } from './targets.js';

const BUSY_RETRY_MS = 500;

export function triggerFromRow(
  row: Pick<ExecutionRow, 'triggerType' | 'triggerData'>,
): TriggerInfo {
  const d = row.triggerData ?? {};
  return {
    type: row.triggerType,
    eventType: row.triggerType === 'event' ? String(d.eventType ?? '') : null,
    eventPayload: row.triggerType === 'event' ? (d.payload ?? null) : null,
    httpRequest: null,
    cronExpression: row.triggerType === 'cron' ? String(d.cronExpression ?? '') : null,
  };
}

export function createRunExecutionJob(deps: {
  pool: pg.Pool;
  executor: Executor;
  targets: TargetCache;
  nodeId: string;
  logger: Logger;
}) {
  return async (payload: Record<string, unknown>): Promise<void> => {
    const id = String(payload.executionId);
    const r = await deps.pool.query<ExecutionRow>(
      `SELECT id, tenant_id AS "tenantId", script_id AS "scriptId", script_version AS "scriptVersion", status,
              trigger_type AS "triggerType", trigger_data AS "triggerData", input, user_id AS "userId", attempt
         FROM script_executions WHERE id = $1`,
      [id],
    );
    const row = r.rows[0];
    if (!row || row.status !== 'pending') return;
    const target = await deps.targets.load(row.scriptId, row.scriptVersion);
    if (!target) return;
    const answer = await deps.executor.execute(target, {
      executionId: id,
      trigger: triggerFromRow(row),
      triggerData: row.triggerData,
      input: row.input,
      userId: row.userId,
      attempt: row.attempt,
      chainDepth: Number(row.triggerData?.chainDepth ?? 0),
      claim: async () => (await claimExecution(deps.pool, id, deps.nodeId)) !== null,
    });
    if (!answer.ran) {
      if (answer.reason !== 'cancelled') {
        await addJobs(deps.pool, [
          {
            task: 'run_execution',
            payload: { executionId: id },
            runAt: new Date(Date.now() + BUSY_RETRY_MS),
          },
        ]);
      }
      return;
    }
    const { result } = answer;
    if (
      row.triggerType === 'event' &&
      (result.status === 'failed' || result.status === 'timeout')
    ) {
      const next = await withTransaction(deps.pool, (db) =>
        afterEventFailure(db, { ...row, triggerData: row.triggerData, error: result.error }),
      );
      deps.logger.info({ executionId: id, attempt: row.attempt, next }, 'event execution failed');
    }
  };
}
