// B5. Hook throughput and latency: autocannon (programmatic API, in this process) against
// /hooks/default/bench on the service started from dist/main.js, and with the same settings
// against a plain Hono app in its own process (the baseline). Afterwards every 2xx answer of
// the service must have its completed execution row.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { onCleanup } from './lib/cleanup.js';
import type { BenchContext } from './lib/context.js';
import { coresByGroup, snapshot, type Classifier } from './lib/cpu.js';
import { ROOT } from './lib/dist.js';
import { waitQueueIdle } from './lib/seed.js';
import { startServiceProcess } from './lib/service-process.js';
import { ratio } from './lib/stats.js';

/** Below the script's maxConcurrentRuns (max 20), so no request is refused with 429. */
const CONNECTIONS = 16;

async function startBaseline(): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const file = fileURLToPath(new URL('./lib/hono-baseline-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = onCleanup('stop Hono baseline', async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = /^(\d+)\n/.exec(text);
      if (line) resolve(Number(line[1]));
    });
    child.once('exit', () => reject(new Error('Hono baseline exited before listening')));
  });
  return { port, pid: child.pid!, stop };
}

/** autocannon records whole milliseconds. */
const wholeMs = (v: number): string => (v < 1 ? '< 1 ms' : `${Math.round(v)} ms`);

/** A fixed number of requests, so none is cut off in flight when the run ends. */
function load(url: string, amount: number): Promise<Result> {
  return autocannon({ url, connections: CONNECTIONS, amount, pipelining: 1 });
}

/** Requests for about `seconds` at the rate a warm-up of `warm` showed. */
const amountFor = (warm: Result, seconds: number): number =>
  Math.max(1000, Math.round((warm['2xx'] / warm.duration) * seconds));

export async function hookBenchmark(ctx: BenchContext): Promise<void> {
  const { report } = ctx;
  const warmAmount = ctx.quick ? 300 : 1000;
  const seconds = ctx.quick ? 2 : 10;
  const databaseUrl = await ctx.db.createDatabase('hooks');
  const service = await startServiceProcess(ctx, {
    databaseUrl,
    label: 'hooks',
    // Tenant slots for every connection, and no more (the queue's idle polling grows with it).
    env: { HOOK_REQUESTS_PER_MINUTE: '10000000', TENANT_MAX_CONCURRENCY: String(CONNECTIONS) },
  });
  const script = await service.api<{ id: string }>('POST', '/scripts', {
    name: 'bench-hook',
    source: 'return { ok: true }',
    type: 'http',
    status: 'active',
    httpPath: '/bench',
    httpMethods: ['GET'],
    httpAuth: 'public',
    limits: { maxConcurrentRuns: 20 },
  });
  await waitQueueIdle(service.pool);
  const baseline = await startBaseline();

  const baseUrl = `http://127.0.0.1:${baseline.port}/hooks/default/bench`;
  const baseWarm = await load(baseUrl, warmAmount * 10);
  const baseCpu0 = snapshot();
  const baseT0 = performance.now();
  const base = await load(baseUrl, amountFor(baseWarm, seconds));
  const baseCpu = coresByGroup(baseCpu0, snapshot(), performance.now() - baseT0, (p) =>
    p.pid === baseline.pid
      ? 'Hono baseline process'
      : p.pid === process.pid
        ? 'autocannon (bench process)'
        : 'other',
  );
  await baseline.stop();

  const hookUrl = `${service.baseUrl}/hooks/default/bench`;
  const probe = await fetch(hookUrl);
  const probeBody = await probe.text();
  if (probe.status !== 200 || probeBody !== '{"ok":true}') {
    throw new Error(`hook answered ${probe.status} ${probeBody}`);
  }
  const warm = await load(hookUrl, warmAmount);
  const classify: Classifier = (p) =>
    p.pid === service.pid
      ? 'service main process'
      : p.ppid === service.pid
        ? 'sandbox workers'
        : p.pid === process.pid
          ? 'autocannon (bench process)'
          : p.comm === 'postgres'
            ? 'postgres'
            : p.comm === 'redis-server'
              ? 'redis'
              : 'other';
  const cpu0 = snapshot();
  const t0 = performance.now();
  const run = await load(hookUrl, amountFor(warm, seconds));
  const cpu = coresByGroup(cpu0, snapshot(), performance.now() - t0, classify);

  const counts = await service.pool.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM script_executions
      WHERE script_id = $1 AND trigger_type = 'http' GROUP BY status`,
    [script.id],
  );
  const byStatus = Object.fromEntries(counts.rows.map((r) => [r.status, r.n]));
  const ok2xx = 1 + warm['2xx'] + run['2xx']; // + the probe
  const completed = byStatus.completed ?? 0;
  const recorded = completed === ok2xx && Object.keys(byStatus).every((k) => k === 'completed');
  await service.stop();

  report.raw.B5 = {
    connections: CONNECTIONS,
    seconds,
    service: run,
    baseline: base,
    byStatus,
    ok2xx,
    cpu,
    baseWarm,
  };
  const perSecond = run['2xx'] / run.duration;
  const basePerSecond = base['2xx'] / base.duration;
  report.rows.push(
    {
      id: 'B5',
      metric: `hook throughput, GET /hooks/default/bench (public http script returning {"ok":true}), autocannon ${CONNECTIONS} connections, ${run.requests.total} requests in ${run.duration.toFixed(1)} s`,
      value: `${Math.round(perSecond)} req/s (${run['2xx']} 2xx, ${run.non2xx} non-2xx, ${run.errors} errors)`,
      baseline: `plain Hono ${Math.round(basePerSecond)} req/s`,
      ratio: ratio(perSecond, basePerSecond),
      target: '≥ 1,000 req/s, every execution recorded',
      met: perSecond >= 1000 && run.non2xx === 0 && run.errors === 0 && recorded,
    },
    {
      id: 'B5',
      metric: 'hook latency under that load',
      value: `p50 ${wholeMs(run.latency.p50)} · p99 ${wholeMs(run.latency.p99)}`,
      baseline: `plain Hono p50 ${wholeMs(base.latency.p50)} · p99 ${wholeMs(base.latency.p99)}`,
      ratio: `p50 ${ratio(run.latency.p50, Math.max(1, base.latency.p50))}${base.latency.p50 < 1 ? ' (vs 1 ms)' : ''}`,
    },
  );
  const perRequest = (
    cpu: ReadonlyArray<{ group: string; cores: number; sysCores: number }>,
    rate: number,
  ) =>
    cpu
      .filter((c) => c.cores >= 0.01)
      .map(
        (c) =>
          `${c.group} ${((c.cores * 1000) / rate).toFixed(3)} (sys ${((c.sysCores * 1000) / rate).toFixed(3)})`,
      )
      .join(', ');
  report.notes.push(
    `B5 CPU ms per request (of which kernel) — jsruntime: ${perRequest(cpu, perSecond)}; plain Hono: ${perRequest(baseCpu, basePerSecond)}. ("other" = processes outside this benchmark.)`,
    `B5 latencies come from autocannon, which records whole milliseconds.`,
    `B5 record check: ${ok2xx} 2xx answers (probe + warm-up + measured), execution rows ${JSON.stringify(byStatus)} → ${recorded ? 'every 2xx has its completed row, and no other row exists' : 'MISMATCH'}.`,
  );
  ctx.log(
    `B5 ${Math.round(perSecond)} req/s (Hono ${Math.round(basePerSecond)} req/s), records ok: ${recorded}`,
  );
}
