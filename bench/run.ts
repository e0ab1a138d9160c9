// Benchmark runner: `npm run bench` (builds dist/ first). Runs A (runtime, in process) and B
// (triggers, against the service started from dist/main.js), prints one result table and writes
// it to bench/out/last-run.md (+ .json). Everything it starts is stopped at the end, on failure
// and on Ctrl+C.
//
//   npm run bench                          all benchmarks (~5 minutes)
//   npm run bench -- --only A              only the runtime benchmarks (or B, or A,B5)
//   npm run bench -- --embedded            embedded PostgreSQL even when 127.0.0.1:5432 answers
//   npm run bench -- --no-redis            in-process limiters and cache instead of local Redis
//   npm run bench -- --quick               tiny counts: checks the harness, measures nothing
//   npm run bench -- --profile             CPU profiles of the service processes (B) into
//                                          bench/out/profiles (profile A with node --cpu-prof)
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { cronBenchmark } from './cron.bench.js';
import { hookBenchmark } from './hooks.bench.js';
import { cleanupAll, cleanupOnSignals } from './lib/cleanup.js';
import type { BenchContext } from './lib/context.js';
import { loadAverage } from './lib/cpu.js';
import { openDatabaseServer, probeRedis } from './lib/databases.js';
import { loadDist, ROOT, staleSources } from './lib/dist.js';
import { createReport, markdownTable } from './lib/report.js';
import { queueBenchmark } from './queue.bench.js';
import { idleBenchmark, runtimeBenchmarks } from './runtime.bench.js';
import { startServiceProcess } from './lib/service-process.js';

const HARD_LIMIT_MS = 15 * 60_000;

function parseArgs(argv: readonly string[]) {
  const opts = { only: [] as string[], embedded: false, redis: true, quick: false, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--embedded') opts.embedded = true;
    else if (arg === '--no-redis') opts.redis = false;
    else if (arg === '--quick') opts.quick = true;
    else if (arg === '--profile') opts.profile = true;
    else if (arg === '--only') opts.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg.startsWith('--only=')) opts.only = arg.slice(7).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  // --only A selects A1…A4; --only A2 selects A2 (and starts what A2 needs).
  const wants = (id: string) =>
    opts.only.length === 0 || opts.only.some((o) => id.startsWith(o) || o.startsWith(id));
  const startedAt = new Date();
  const load = loadAverage();
  const stale = staleSources();
  if (stale.length > 0) {
    process.stderr.write(
      `warning: dist/ is older than ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ' …' : ''} — run npm run build\n`,
    );
  }
  const log = (message: string) =>
    process.stderr.write(
      `[${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${message}\n`,
    );
  const db = await openDatabaseServer({ embedded: opts.embedded });
  const redisUrl = await probeRedis(opts.redis);
  const report = createReport();
  const ctx: BenchContext = {
    dist: await loadDist(),
    db,
    redisUrl,
    report,
    quick: opts.quick,
    serviceNodeFlags: opts.profile
      ? ['--cpu-prof', `--cpu-prof-dir=${ROOT}bench/out/profiles`]
      : [],
    wants: (id) => opts.only.length === 0 || opts.only.some((o) => id.startsWith(o)),
    log,
  };
  log(`load average at start ${load}; ${db.description}; Redis ${redisUrl ?? 'not used'}`);

  if (wants('A0')) await idleBenchmark(ctx);
  if (['A1', 'A2', 'A3', 'A4'].some(wants)) await runtimeBenchmarks(ctx);
  if (wants('B5')) await hookBenchmark(ctx);
  if (wants('B6') || wants('B7')) {
    // B6 and B7 share one service with the default concurrency settings.
    const databaseUrl = await db.createDatabase('triggers');
    const service = await startServiceProcess(ctx, { databaseUrl, label: 'triggers', env: {} });
    if (wants('B6')) await queueBenchmark(ctx, service);
    if (wants('B7')) await cronBenchmark(ctx, service);
    await service.stop();
  }

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
  const md = [
    `Run ${startedAt.toISOString()} · \`${command}\``,
    '',
    `Machine: ${machine}. Load average at start: ${load}. Database: ${db.description}. Redis: ${redisUrl ?? 'not used (in-process limiters)'}.`,
    '',
    markdownTable(report.rows),
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  mkdirSync(`${ROOT}bench/out`, { recursive: true });
  writeFileSync(`${ROOT}bench/out/last-run.md`, md);
  writeFileSync(
    `${ROOT}bench/out/last-run.json`,
    JSON.stringify(
      { startedAt, command, machine, load, database: db.description, redisUrl, report },
      null,
      2,
    ),
  );
  process.stdout.write(`\n${md}\n`);
  log(
    `done in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s; written to bench/out/last-run.md`,
  );
  // A missed target is a result, not a failure of the run.
  return 0;
}

cleanupOnSignals();
const watchdog = setTimeout(() => {
  process.stderr.write('benchmark run over its hard time limit: stopping\n');
  void cleanupAll().finally(() => process.exit(1));
}, HARD_LIMIT_MS);
watchdog.unref();
let code = 1;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
} finally {
  await cleanupAll();
}
process.exit(code);
