// The durable job queue: graphile-worker (PostgreSQL-backed, LISTEN/NOTIFY pickup, SKIP LOCKED
// claims). Jobs are added with SQL inside the caller's transaction, so an execution row and the
// job that runs it are committed together or not at all.
import {
  Logger as GraphileLogger,
  run,
  runMigrations,
  type Runner,
  type Task,
} from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';
import type { Queryable } from '../store/queryable.js';

export type TaskName = 'run_execution' | 'deliver_event';

export interface JobSpec {
  readonly task: TaskName;
  readonly payload: Record<string, unknown>;
  readonly runAt?: Date;
  readonly maxAttempts?: number;
}

export type TaskHandlers = Record<TaskName, (payload: Record<string, unknown>) => Promise<void>>;

function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const l = logger.child({ component: 'queue', ...scope });
    if (level === 'error') l.error(meta ?? {}, message);
    else if (level === 'warning') l.warn(meta ?? {}, message);
    else l.debug(meta ?? {}, message);
  });
}

/** Adds jobs within `db`'s transaction (one statement for any number of jobs). */
export async function addJobs(db: Queryable, jobs: readonly JobSpec[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.query(
    `SELECT graphile_worker.add_jobs(ARRAY(
       SELECT ROW(j.task, j.payload, NULL, j.run_at, j.max_attempts, NULL, NULL, NULL)::graphile_worker.job_spec
         FROM unnest($1::text[], $2::json[], $3::timestamptz[], $4::int[]) AS j(task, payload, run_at, max_attempts)
     ))`,
    [
      jobs.map((j) => j.task),
      jobs.map((j) => JSON.stringify(j.payload)),
      jobs.map((j) => j.runAt ?? null),
      jobs.map((j) => j.maxAttempts ?? 1),
    ],
  );
}

export interface Queue {
  /** Installs or upgrades the queue's schema (every role needs it to add jobs). */
  migrate(): Promise<void>;
  /** Starts picking up jobs (worker role). */
  start(handlers: TaskHandlers, options: { concurrency: number }): Promise<void>;
  stop(): Promise<void>;
  /** Jobs waiting to run now (for /metrics and readiness). */
  depth(): Promise<number>;
  readonly running: () => boolean;
}

export function createQueue(deps: { pool: pg.Pool; logger: Logger }): Queue {
  let runner: Runner | null = null;
  const logger = graphileLogger(deps.logger);
  return {
    async migrate() {
      await runMigrations({ pgPool: deps.pool, logger });
    },
    async start(handlers, options) {
      const taskList: Record<string, Task> = {};
      for (const [name, fn] of Object.entries(handlers)) {
        taskList[name] = async (payload) => fn(payload as Record<string, unknown>);
      }
      runner = await run({
        pgPool: deps.pool,
        concurrency: options.concurrency,
        noHandleSignals: true,
        pollInterval: 1000,
        logger,
        taskList,
      });
      runner.promise.catch((err: unknown) =>
        deps.logger.error({ err }, 'queue runner stopped with an error'),
      );
    },
    async stop() {
      const r = runner;
      runner = null;
      if (r) await r.stop();
    },
    async depth() {
      const r = await deps.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM graphile_worker._private_jobs
          WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts`,
      );
      return r.rows[0]!.n;
    },
    running: () => runner !== null,
  };
}
