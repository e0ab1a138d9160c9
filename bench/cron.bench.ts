// B7. Cron fan-out: 5,000 active scheduled scripts (100 in each of 50 tenants, interleaved)
// all due at the same moment T. Measures, from the database, how long after T every execution
// had been enqueued (created_at), started (started_at) and completed (completed_at). The cron
// expression fires once a year, so only the forced tick at T runs. Baseline: the same number of
// cold node:vm runs (new script text + new context) back to back on one thread of this process.
import type { BenchContext } from './lib/context.js';
import { coresByGroup, formatCores, snapshot, type Classifier } from './lib/cpu.js';
import type { ServiceProcess } from './lib/service-process.js';
import { seedScripts, seedTenants } from './lib/seed.js';
import { ms, ratio, sleep, summarise } from './lib/stats.js';
import { vmColdRun } from './lib/vm-baseline.js';

const TENANTS = 50;
const DEADLINE_S = 120;

export async function cronBenchmark(ctx: BenchContext, service: ServiceProcess): Promise<void> {
  const { report } = ctx;
  const total = ctx.quick ? 200 : 5000;
  const pool = service.pool;
  const tag = Date.now().toString(36);
  const tenantIds = await seedTenants(
    pool,
    Array.from({ length: TENANTS }, (_, i) => `bench-cron-${tag}-${i}`),
  );
  const seedStart = performance.now();
  const ids = await seedScripts(
    pool,
    ctx.dist,
    Array.from({ length: total }, (_, i) => ({
      tenantId: tenantIds[i % TENANTS]!,
      name: `bench-cron-${i}`,
      source: 'return 1',
      type: 'scheduled' as const,
      cronExpression: '0 0 1 1 *',
    })),
  );
  const seedMs = performance.now() - seedStart;

  // Baseline before the fan-out, so the two do not share the CPU.
  const vmSample = ctx.quick ? 100 : 1000;
  const vmStart = performance.now();
  for (let i = 0; i < vmSample; i++) await vmColdRun();
  const vmMs = ((performance.now() - vmStart) / vmSample) * total;

  // Due moment: the next whole second at least 1.5 s from now.
  const due = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000);
  await pool.query(
    'UPDATE script_scheduled_jobs SET next_run_at = $2 WHERE script_id = ANY($1::uuid[])',
    [ids, due],
  );
  const classify: Classifier = (p) =>
    p.pid === service.pid
      ? 'service main process'
      : p.ppid === service.pid
        ? 'sandbox workers'
        : p.comm === 'postgres'
          ? 'postgres'
          : p.comm === 'redis-server'
            ? 'redis'
            : 'other';
  await sleep(Math.max(0, due.getTime() - Date.now()));
  const cpu0 = snapshot();
  const t0 = performance.now();
  const progress = async () =>
    (
      await pool.query<{ created: number; started: number; done: number }>(
        `SELECT count(*)::int AS created, count(started_at)::int AS started,
                count(*) FILTER (WHERE status IN ('completed', 'failed', 'timeout', 'cancelled'))::int AS done
           FROM script_executions WHERE tenant_id = ANY($1::uuid[]) AND trigger_type = 'cron'`,
        [tenantIds],
      )
    ).rows[0]!;
  let last = await progress();
  while (last.done < total && performance.now() - t0 < DEADLINE_S * 1000) {
    await sleep(250);
    last = await progress();
  }
  const cpu = coresByGroup(cpu0, snapshot(), performance.now() - t0, classify);

  const rows = await pool.query<{
    status: string;
    enqueued: number;
    started: number | null;
    completed: number | null;
  }>(
    `SELECT status, extract(epoch FROM created_at - $2::timestamptz) * 1000 AS enqueued,
            extract(epoch FROM started_at - $2::timestamptz) * 1000 AS started,
            extract(epoch FROM completed_at - $2::timestamptz) * 1000 AS completed
       FROM script_executions WHERE tenant_id = ANY($1::uuid[]) AND trigger_type = 'cron'`,
    [tenantIds, due],
  );
  const perScript = await pool.query<{ n: number }>(
    `SELECT count(DISTINCT script_id)::int AS n FROM script_executions
      WHERE tenant_id = ANY($1::uuid[]) AND trigger_type = 'cron'`,
    [tenantIds],
  );
  const started = rows.rows.filter((r) => r.started !== null).map((r) => Number(r.started));
  const completedRows = rows.rows.filter((r) => r.status === 'completed');
  const enq = summarise(rows.rows.map((r) => Number(r.enqueued)));
  const st = summarise(started);
  const done = summarise(completedRows.map((r) => Number(r.completed)));
  const allStarted = started.length === total;
  const startedWithin60 = started.filter((x) => x <= 60_000).length;
  report.raw.B7 = {
    total,
    tenants: TENANTS,
    seedMs,
    due,
    executions: rows.rows.length,
    distinctScripts: perScript.rows[0]!.n,
    enqueued: enq,
    started: st,
    completed: done,
    completedCount: completedRows.length,
    vmMs,
    cpu,
  };
  report.rows.push(
    {
      id: 'B7',
      metric: `cron fan-out: ${total} scheduled scripts (${TENANTS} tenants) due at the same second → all started`,
      value: allStarted
        ? `all started ${ms(st.max)} after due (p50 ${ms(st.p50)})`
        : `${started.length} of ${total} started within ${DEADLINE_S} s (${startedWithin60} within 60 s)`,
      baseline: `node:vm ${total} cold runs on 1 thread ${ms(vmMs)}`,
      ratio: allStarted ? ratio(st.max, vmMs) : 'n/a',
      target: `all ${total} started within 60 s`,
      met: allStarted && st.max <= 60_000,
    },
    {
      id: 'B7',
      metric: 'same runs: all enqueued (created_at) · all completed (completed_at), after due',
      value: `enqueued ${ms(enq.max)} · completed ${completedRows.length === total ? ms(done.max) : `${completedRows.length} of ${total}`}`,
      baseline: '',
      ratio: `${Math.round(completedRows.length / (done.max / 1000))} runs/s`,
    },
  );
  report.notes.push(
    `B7: ${rows.rows.length} cron executions for ${perScript.rows[0]!.n} distinct scripts (expected ${total} each), ${completedRows.length} completed; seeding ${total} scripts with SQL took ${ms(seedMs)}.`,
    `B7 CPU from due until all done (cores): ${formatCores(cpu)}.`,
  );
  ctx.log(
    `B7 all started after ${ms(st.max)}, all completed after ${ms(done.max)} (${completedRows.length}/${total})`,
  );
}
