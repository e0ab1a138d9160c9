// Routing tables derived from a script (SPEC §11: `scripts` is the source of truth). Called in
// the same transaction as every save so routes, schedules and subscriptions never drift.
import type { Queryable } from './queryable.js';
import type { Script } from './scripts.js';

export async function syncRoutingTables(
  db: Queryable,
  script: Script,
  opts: { nextRunAt: Date | null },
): Promise<void> {
  if (script.type === 'http' && script.httpPath) {
    await db.query(
      `INSERT INTO script_http_endpoints (tenant_id, script_id, http_path, methods, auth)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (script_id) DO UPDATE
         SET http_path = EXCLUDED.http_path, methods = EXCLUDED.methods, auth = EXCLUDED.auth`,
      [script.tenantId, script.id, script.httpPath, script.httpMethods, script.httpAuth],
    );
  } else {
    await db.query('DELETE FROM script_http_endpoints WHERE script_id = $1', [script.id]);
  }

  if (script.type === 'scheduled' && script.cronExpression) {
    // last_run_* survive edits; next_run_at follows the new expression and status.
    await db.query(
      `INSERT INTO script_scheduled_jobs (tenant_id, script_id, cron_expression, timezone, next_run_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (script_id) DO UPDATE
         SET cron_expression = EXCLUDED.cron_expression, timezone = EXCLUDED.timezone,
             next_run_at = EXCLUDED.next_run_at`,
      [script.tenantId, script.id, script.cronExpression, script.timezone, opts.nextRunAt],
    );
  } else {
    await db.query('DELETE FROM script_scheduled_jobs WHERE script_id = $1', [script.id]);
  }

  await db.query('DELETE FROM script_event_subscriptions WHERE script_id = $1', [script.id]);
  if (script.type === 'event' && script.eventTypes.length > 0) {
    await db.query(
      `INSERT INTO script_event_subscriptions (tenant_id, script_id, event_type)
       SELECT $1, $2, unnest($3::text[])`,
      [script.tenantId, script.id, script.eventTypes],
    );
  }
}

export interface ScheduleInfo {
  readonly nextRunAt: Date | null;
  readonly lastRunAt: Date | null;
  readonly lastRunStatus: string | null;
}

export async function findSchedule(db: Queryable, scriptId: string): Promise<ScheduleInfo | null> {
  const r = await db.query<ScheduleInfo>(
    `SELECT next_run_at AS "nextRunAt", last_run_at AS "lastRunAt", last_run_status AS "lastRunStatus"
       FROM script_scheduled_jobs WHERE script_id = $1`,
    [scriptId],
  );
  return r.rows[0] ?? null;
}
