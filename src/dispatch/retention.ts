// Retention (SPEC §6): executions older than 90 days, dead letters older than 30 days and
// delivered events older than the execution window are deleted, hourly, by one node at a time.
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { withTransaction } from '../store/queryable.js';

const RETENTION_LOCK_KEY = 7_302_114_003;
const EVERY_MS = 60 * 60_000;

export async function applyRetention(
  pool: pg.Pool,
  opts: { executionDays: number; deadLetterDays: number },
): Promise<{ executions: number; deadLetters: number; events: number } | null> {
  return withTransaction(pool, async (db) => {
    const lock = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      RETENTION_LOCK_KEY,
    ]);
    if (!lock.rows[0]!.ok) return null;
    const executions = await db.query(
      `DELETE FROM script_executions WHERE created_at < now() - make_interval(days => $1) AND status NOT IN ('pending', 'running')`,
      [opts.executionDays],
    );
    const deadLetters = await db.query(
      'DELETE FROM script_event_dead_letters WHERE created_at < now() - make_interval(days => $1)',
      [opts.deadLetterDays],
    );
    const events = await db.query(
      'DELETE FROM events WHERE dispatched_at IS NOT NULL AND created_at < now() - make_interval(days => $1)',
      [opts.executionDays],
    );
    await db.query('DELETE FROM sessions WHERE expires_at < now()');
    return {
      executions: executions.rowCount ?? 0,
      deadLetters: deadLetters.rowCount ?? 0,
      events: events.rowCount ?? 0,
    };
  });
}

export function startRetention(deps: {
  pool: pg.Pool;
  logger: Logger;
  executionDays: number;
  deadLetterDays: number;
}) {
  const run = async () => {
    try {
      const r = await applyRetention(deps.pool, deps);
      if (r && (r.executions || r.deadLetters || r.events))
        deps.logger.info(r, 'retention removed old rows');
    } catch (err) {
      deps.logger.warn({ err }, 'retention failed');
    }
  };
  const first = setTimeout(() => void run(), 30_000);
  first.unref();
  const timer = setInterval(() => void run(), EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
