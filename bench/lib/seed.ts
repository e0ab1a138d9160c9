// Bulk set-up straight in SQL, consistent with what src/scripts/service.ts and
// src/store/routing-tables.ts write for a created script (scripts row, script_versions v1 with
// the same snapshot shape, script_scheduled_jobs for schedules), minus the audit entry and the
// jsruntime.script.created event: those would put thousands of delivery jobs on the queue
// that is being measured.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Dist } from './dist.js';

export interface SeedScript {
  readonly tenantId: string;
  readonly name: string;
  readonly source: string;
  readonly type: 'embedded' | 'scheduled' | 'oneoff';
  readonly cronExpression?: string;
  readonly nextRunAt?: Date;
  readonly limits?: Record<string, number>;
}

const CHUNK = 1000;

export async function seedTenants(pool: pg.Pool, slugs: readonly string[]): Promise<string[]> {
  const r = await pool.query<{ id: string; slug: string }>(
    'INSERT INTO tenants (slug, name) SELECT s, s FROM unnest($1::text[]) AS t(s) RETURNING id, slug',
    [slugs],
  );
  const bySlug = new Map(r.rows.map((row) => [row.slug, row.id]));
  return slugs.map((slug) => bySlug.get(slug)!);
}

/** Inserts active scripts (version 1); returns their ids in input order. */
export async function seedScripts(
  pool: pg.Pool,
  dist: Dist,
  scripts: readonly SeedScript[],
): Promise<string[]> {
  const compiled = new Map<string, { code: string; lineOffset: number }>();
  for (const s of scripts) {
    if (compiled.has(s.source)) continue;
    const c = await dist.compileScript(s.source, 'javascript');
    if (!c.ok) throw new Error(`bench script does not compile: ${s.source}`);
    compiled.set(s.source, { code: c.code, lineOffset: c.lineOffset });
  }
  const ids = scripts.map(() => randomUUID());
  for (let start = 0; start < scripts.length; start += CHUNK) {
    const part = scripts.slice(start, start + CHUNK);
    const partIds = ids.slice(start, start + CHUNK);
    const rows = part.map((s) => {
      const limits = { ...dist.defaultLimits, ...s.limits };
      const timezone = 'UTC';
      const snapshot = {
        name: s.name,
        description: '',
        source: s.source,
        language: 'javascript',
        type: s.type,
        status: 'active',
        cronExpression: s.cronExpression ?? null,
        timezone,
        httpPath: null,
        httpMethods: [],
        httpAuth: 'token',
        eventTypes: [],
        limits,
        tags: [],
      };
      return { s, limits, snapshot, c: compiled.get(s.source)! };
    });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO scripts (id, tenant_id, name, source, language, compiled_code, line_offset, type,
           status, cron_expression, timezone, limits, version)
         SELECT id, tenant_id, name, source, 'javascript', code, line_offset, type, 'active', cron,
                'UTC', limits, 1
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[],
                       $7::text[], $8::text[], $9::jsonb[])
             AS t(id, tenant_id, name, source, code, line_offset, type, cron, limits)`,
        [
          partIds,
          rows.map((r) => r.s.tenantId),
          rows.map((r) => r.s.name),
          rows.map((r) => r.s.source),
          rows.map((r) => r.c.code),
          rows.map((r) => r.c.lineOffset),
          rows.map((r) => r.s.type),
          rows.map((r) => r.s.cronExpression ?? null),
          rows.map((r) => JSON.stringify(r.limits)),
        ],
      );
      await client.query(
        `INSERT INTO script_versions (tenant_id, script_id, version, snapshot, compiled_code,
           line_offset, change_note)
         SELECT tenant_id, id, 1, snapshot, code, line_offset, 'Created'
           FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::text[], $5::int[])
             AS t(id, tenant_id, snapshot, code, line_offset)`,
        [
          partIds,
          rows.map((r) => r.s.tenantId),
          rows.map((r) => JSON.stringify(r.snapshot)),
          rows.map((r) => r.c.code),
          rows.map((r) => r.c.lineOffset),
        ],
      );
      const scheduled = rows
        .map((r, i) => ({ ...r, id: partIds[i]! }))
        .filter((r) => r.s.type === 'scheduled');
      if (scheduled.length > 0) {
        await client.query(
          `INSERT INTO script_scheduled_jobs (tenant_id, script_id, cron_expression, timezone, next_run_at)
           SELECT tenant_id, id, cron, 'UTC', next_run_at
             FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])
               AS t(id, tenant_id, cron, next_run_at)`,
          [
            scheduled.map((r) => r.id),
            scheduled.map((r) => r.s.tenantId),
            scheduled.map((r) => r.s.cronExpression ?? '* * * * *'),
            scheduled.map((r) => r.s.nextRunAt ?? null),
          ],
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  return ids;
}

/** Waits until graphile-worker has no job left (events of scripts created through the service). */
export async function waitQueueIdle(pool: pg.Pool, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM graphile_worker._private_jobs',
    );
    if (r.rows[0]!.n === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
