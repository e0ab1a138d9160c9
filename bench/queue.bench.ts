// B6. Queue pickup latency: manual runs enqueued one at a time through the API
// (POST /api/v1/scripts/:id/executions, which inserts the pending row and the graphile-worker job
// in one transaction), with gaps so it measures pickup, not backlog. Pickup = the row's
// created_at → started_at (both PostgreSQL clocks: the claim sets started_at). Baseline: a bare
// LISTEN/NOTIFY round trip on the same database, the floor of any LISTEN-based queue.
import pg from 'pg';
import type { BenchContext } from './lib/context.js';
import type { ServiceProcess } from './lib/service-process.js';
import { waitQueueIdle } from './lib/seed.js';
import { ms, ratio, sleep, summarise, waitFor } from './lib/stats.js';

const GAP_MS = 20;

async function notifyRoundTrips(url: string, count: number): Promise<number[]> {
  const listener = new pg.Client({ connectionString: url });
  const sender = new pg.Client({ connectionString: url });
  await listener.connect();
  await sender.connect();
  try {
    await listener.query('LISTEN jsruntime_bench');
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const got = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
      const t0 = performance.now();
      await sender.query(`NOTIFY jsruntime_bench, '${i}'`);
      await got;
      samples.push(performance.now() - t0);
      await sleep(5);
    }
    return samples;
  } finally {
    await listener.end();
    await sender.end();
  }
}

export async function queueBenchmark(ctx: BenchContext, service: ServiceProcess): Promise<void> {
  const { report } = ctx;
  const count = ctx.quick ? 30 : 300;
  const script = await service.api<{ id: string }>('POST', '/scripts', {
    name: 'bench-queue',
    source: 'return 1',
    type: 'embedded',
    status: 'active',
  });
  await waitQueueIdle(service.pool);
  const enqueue = () =>
    service.api<{ id: string }>('POST', `/scripts/${script.id}/executions`, { input: {} });
  const allDone = async (ids: readonly string[]) => {
    const r = await service.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM script_executions
        WHERE id = ANY($1::uuid[]) AND status IN ('completed', 'failed', 'timeout', 'cancelled')`,
      [ids],
    );
    return r.rows[0]!.n === ids.length ? true : null;
  };

  // Warm-up: isolate, code cache, connections and the target cache of the service.
  const warmIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    warmIds.push((await enqueue()).id);
    await sleep(GAP_MS);
  }
  await waitFor(() => allDone(warmIds), 30_000);

  const ids: string[] = [];
  const apiLatency: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    ids.push((await enqueue()).id);
    apiLatency.push(performance.now() - t0);
    await sleep(GAP_MS);
  }
  const finished = await waitFor(() => allDone(ids), 60_000);
  const rows = await service.pool.query<{ status: string; pickup: number; total: number }>(
    `SELECT status, extract(epoch FROM started_at - created_at) * 1000 AS pickup,
            extract(epoch FROM completed_at - created_at) * 1000 AS total
       FROM script_executions WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const completed = rows.rows.filter((r) => r.status === 'completed');
  const pickup = summarise(completed.map((r) => Number(r.pickup)));
  const total = summarise(completed.map((r) => Number(r.total)));
  const api = summarise(apiLatency);
  const notify = summarise(await notifyRoundTrips(service.databaseUrl, ctx.quick ? 30 : 200));
  report.raw.B6 = { count, gapMs: GAP_MS, pickup, total, api, notify, completed: completed.length };
  report.rows.push(
    {
      id: 'B6',
      metric: `queue pickup, created_at → started_at of ${count} manual runs enqueued via the API ${GAP_MS} ms apart`,
      value: `p50 ${ms(pickup.p50)} · p99 ${ms(pickup.p99)}`,
      baseline: `LISTEN/NOTIFY round trip p50 ${ms(notify.p50)} · p99 ${ms(notify.p99)}`,
      ratio: `p50 ${ratio(pickup.p50, notify.p50)}`,
      target: 'p50 ≤ 10 ms',
      met: finished !== null && completed.length === count && pickup.p50 <= 10,
    },
    {
      id: 'B6',
      metric: 'same runs: created_at → completed_at; enqueue API call (POST … /executions)',
      value: `done p50 ${ms(total.p50)} · p99 ${ms(total.p99)}; API p50 ${ms(api.p50)} · p99 ${ms(api.p99)}`,
    },
  );
  report.notes.push(
    `B6: ${completed.length} of ${count} runs completed${finished === null ? ' (NOT all finished within 60 s)' : ''}.`,
  );
  ctx.log(`B6 pickup p50 ${ms(pickup.p50)} p99 ${ms(pickup.p99)} (NOTIFY p50 ${ms(notify.p50)})`);
}
