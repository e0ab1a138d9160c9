// Where one warm sandbox run spends its time, inside one process and without IPC: the steps of
// isolate-pool.ts prepare() and execution.ts done by hand on the production build, timed one by
// one, next to a bare isolated-vm context and node:vm. A diagnostic for RESULTS.md, not part of
// `npm run bench`:
//
//   npm run build && node --no-node-snapshot --import tsx bench/tools/sandbox-phases.ts
import ivm from 'isolated-vm';
import vm from 'node:vm';
import type * as CompileModule from '../../src/runtime/compile.js';
import type * as GuestProtocol from '../../src/runtime/guest/protocol.js';
import type * as GuestSource from '../../src/runtime/guest-source.js';

const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
const { guestSource } = (await import(dist('runtime/guest-source.js'))) as typeof GuestSource;
const { OP_RUN, GUEST_FILENAME, SCRIPT_FILENAME } = (await import(
  dist('runtime/guest/protocol.js')
)) as typeof GuestProtocol;
const { compileScript } = (await import(dist('runtime/compile.js'))) as typeof CompileModule;

const RUNS = 2000;
/** The Math.random seed OP_RUN takes (the worker sends 16 random bytes per run). */
const SEED = '0123456789abcdef0123456789abcdef';
const compiled = await compileScript('return 1', 'javascript');
if (!compiled.ok) throw new Error('does not compile');
const contextJson = JSON.stringify({
  tenantId: 't',
  userId: null,
  organizationId: null,
  scriptId: 's',
  executionId: 'e',
  input: {},
  trigger: {
    type: 'api',
    eventType: null,
    eventPayload: null,
    httpRequest: null,
    cronExpression: null,
  },
});
const isolate = new ivm.Isolate({ memoryLimit: 64 });
const boot = isolate.compileScriptSync(guestSource(), { filename: GUEST_FILENAME });
const script = isolate.compileScriptSync(`(${compiled.code}\n)`, { filename: SCRIPT_FILENAME });
const callbacks = [0, 1, 2].map(() => new ivm.Callback(() => {}, { ignored: true }));

const phases = new Map<string, number>();
const lap = (name: string, since: number): number => {
  const now = performance.now();
  phases.set(name, (phases.get(name) ?? 0) + now - since);
  return now;
};

async function run(): Promise<void> {
  let t = performance.now();
  const context = await isolate.createContext();
  t = lap('1 createContext (thread pool)', t);
  const install = boot.runSync(context, { reference: true }) as ivm.Reference<unknown>;
  t = lap('2 guest bootstrap script', t);
  const entry = install.applySync(undefined, [...callbacks], {
    result: { reference: true },
  }) as ivm.Reference<unknown>;
  install.release();
  t = lap('3 install(): SDK globals + harden', t);
  const fn = script.runSync(context, { reference: true }) as ivm.Reference<unknown>;
  t = lap('4 evaluate the script function', t);
  const envelope = (await entry.apply(
    undefined,
    [OP_RUN, fn.derefInto(), contextJson, 1 << 20, 1, SEED],
    {
      result: { promise: true, copy: true },
    },
  )) as { ok: boolean; json?: string };
  if (!envelope.ok || envelope.json !== '1') throw new Error(JSON.stringify(envelope));
  t = lap('5 run (async apply, promise result)', t);
  isolate.getHeapStatisticsSync();
  void isolate.cpuTime;
  t = lap('6 metrics (cpuTime, heap statistics)', t);
  fn.release();
  entry.release();
  context.release();
  lap('7 release', t);
}

for (let i = 0; i < 300; i++) await run();
phases.clear();
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (let i = 0; i < RUNS; i++) await run();
const wall = (performance.now() - wall0) / RUNS;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `hardened fresh context per run: ${wall.toFixed(3)} ms wall, ${((cpu.user + cpu.system) / 1000 / RUNS).toFixed(3)} ms CPU (all threads)\n`,
);
for (const [name, total] of [...phases].sort()) {
  process.stdout.write(`  ${name.padEnd(40)} ${(total / RUNS).toFixed(3)} ms\n`);
}

{
  // The path of a run in a context an earlier run left unchanged: no context work at all.
  const context = await isolate.createContext();
  const install = boot.runSync(context, { reference: true }) as ivm.Reference<unknown>;
  const entry = install.applySync(undefined, [...callbacks], {
    result: { reference: true },
  }) as ivm.Reference<unknown>;
  const fn = script.runSync(context, { reference: true }) as ivm.Reference<unknown>;
  const reusedRun = async (token: number) => {
    const envelope = (await entry.apply(
      undefined,
      [OP_RUN, fn.derefInto(), contextJson, 1 << 20, token, SEED],
      { result: { promise: true, copy: true } },
    )) as { ok: boolean };
    if (!envelope.ok) throw new Error(JSON.stringify(envelope));
    isolate.getHeapStatisticsSync();
    void isolate.cpuTime;
  };
  for (let i = 0; i < 300; i++) await reusedRun(i);
  const cpuR = process.cpuUsage();
  const wallR = performance.now();
  for (let i = 0; i < RUNS; i++) await reusedRun(i);
  const cpuUsed = process.cpuUsage(cpuR);
  process.stdout.write(
    `reused hardened context (earlier runs left it unchanged): ${((performance.now() - wallR) / RUNS).toFixed(3)} ms wall, ${((cpuUsed.user + cpuUsed.system) / 1000 / RUNS).toFixed(3)} ms CPU\n`,
  );
  fn.release();
  entry.release();
  context.release();
}

let t0 = performance.now();
for (let i = 0; i < RUNS; i++) {
  const context = isolate.createContextSync();
  const fn = script.runSync(context, { reference: true }) as ivm.Reference<unknown>;
  await fn.apply(undefined, [], { result: { promise: true, copy: true } });
  fn.release();
  context.release();
}
process.stdout.write(
  `bare isolated-vm context (no guest bootstrap) + run: ${((performance.now() - t0) / RUNS).toFixed(3)} ms\n`,
);
const vmScript = new vm.Script(`(${compiled.code}\n)`);
t0 = performance.now();
for (let i = 0; i < RUNS; i++) {
  await (vmScript.runInContext(vm.createContext({})) as () => Promise<unknown>)();
}
process.stdout.write(
  `node:vm new context + run: ${((performance.now() - t0) / RUNS).toFixed(3)} ms\n`,
);
isolate.dispose();
