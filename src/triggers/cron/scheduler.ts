// The cron scheduler: every node with the worker role claims due schedules with
// FOR UPDATE SKIP LOCKED, so each tick is enqueued exactly once across any number of nodes.
// The next run is computed from now, so ticks missed while the service was down are not
// replayed. A tick whose previous run is still pending or running is skipped and counted.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { nextRun } from '../../domain/cron.js';
import { addJobs, type JobSpec } from '../../dispatch/queue.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../../lib/metrics.js';
import { insertPendingExecutions, type NewPendingExecution } from '../../store/executions.js';
import { withTransaction } from '../../store/queryable.js';

const BATCH = 500;

interface DueRow {
  scriptId: string;
  tenantId: string;
  version: number;
  cronExpression: string;
  timezone: string;
  nextRunAt: Date;
  busy: boolean;
}

/** Claims and enqueues one batch of due schedules; returns how many ticks it handled. */
export async function runDueSchedules(
  pool: pg.Pool,
  opts: { now?: Date; metrics?: Metrics; logger?: Logger } = {},
): Promise<number> {
  return withTransaction(pool, async (db) => {
    const now = opts.now ?? new Date();
    const due = await db.query<DueRow>(
      `SELECT j.script_id AS "scriptId", j.tenant_id AS "tenantId", s.version, j.cron_expression AS "cronExpression",
              j.timezone, j.next_run_at AS "nextRunAt",
              EXISTS (SELECT 1 FROM script_executions e
                       WHERE e.script_id = j.script_id AND e.status IN ('pending', 'running')) AS busy
         FROM script_scheduled_jobs j JOIN scripts s ON s.id = j.script_id
        WHERE j.next_run_at <= $1 AND s.status = 'active'
        ORDER BY j.next_run_at
        LIMIT ${BATCH}
        FOR UPDATE OF j SKIP LOCKED`,
      [now],
    );
    if (due.rows.length === 0) return 0;
    const jobs: JobSpec[] = [];
    const pending: NewPendingExecution[] = [];
    const updates: { id: string; next: Date | null; status: string; skipped: boolean }[] = [];
    for (const row of due.rows) {
      const next = nextRun(row.cronExpression, row.timezone, now);
      if (row.busy) {
        updates.push({ id: row.scriptId, next, status: 'skipped', skipped: true });
        opts.metrics?.cronSkips.inc();
        opts.logger?.info(
          { scriptId: row.scriptId, tick: row.nextRunAt },
          'cron tick skipped: previous run still going',
        );
        continue;
      }
      const id = randomUUID();
      pending.push({
        id,
        tenantId: row.tenantId,
        scriptId: row.scriptId,
        scriptVersion: row.version,
        triggerType: 'cron',
        triggerData: {
          cronExpression: row.cronExpression,
          timezone: row.timezone,
          scheduledAt: row.nextRunAt,
        },
        input: {},
        userId: null,
      });
      jobs.push({ task: 'run_execution', payload: { executionId: id } });
      updates.push({ id: row.scriptId, next, status: 'queued', skipped: false });
    }
    await insertPendingExecutions(db, pending);
    await addJobs(db, jobs);
    await db.query(
      `UPDATE script_scheduled_jobs j
          SET next_run_at = u.next, last_run_at = CASE WHEN u.skipped THEN j.last_run_at ELSE $2 END,
              last_run_status = u.status,
              skipped_count = j.skipped_count + CASE WHEN u.skipped THEN 1 ELSE 0 END,
              last_skipped_at = CASE WHEN u.skipped THEN $2 ELSE j.last_skipped_at END
         FROM unnest($1::uuid[], $3::timestamptz[], $4::text[], $5::boolean[]) AS u(id, next, status, skipped)
        WHERE j.script_id = u.id`,
      [
        updates.map((u) => u.id),
        now,
        updates.map((u) => u.next),
        updates.map((u) => u.status),
        updates.map((u) => u.skipped),
      ],
    );
    return due.rows.length;
  });
}

/** Records how a cron execution ended on its schedule row (shown on the script page). */
export async function recordCronResult(
  pool: pg.Pool,
  scriptId: string,
  status: string,
): Promise<void> {
  await pool.query('UPDATE script_scheduled_jobs SET last_run_status = $2 WHERE script_id = $1', [
    scriptId,
    status,
  ]);
}

/** Polls for due schedules every second (ticks are minute-granular; SPEC allows a minute). */
export function startCronScheduler(deps: {
  pool: pg.Pool;
  logger: Logger;
  metrics: Metrics;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      // Drain every due batch (5,000 scripts due in the same minute are several batches).
      while (
        !stopped &&
        (await runDueSchedules(deps.pool, { metrics: deps.metrics, logger: deps.logger })) >= BATCH
      ) {
        /* next batch */
      }
    } catch (err) {
      deps.logger.error({ err }, 'cron scheduler tick failed');
    }
    if (!stopped) timer = setTimeout(() => (current = tick()), deps.intervalMs ?? 1000);
  };
  current = tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
