// The sandbox: supervised worker processes running scripts in V8 isolates (isolated-vm).
// Routes runs (affinity by script id), relays SDK calls, maps errors to the user's source and
// keeps its own watchdogs: a run past deadline + grace, an unresponsive or over-RSS worker, is
// killed and replaced; runs it was carrying fail with SANDBOX_CRASHED.
import { LRUCache } from 'lru-cache';
import type { CapabilityName, SdkHandler, SdkResult } from './sdk/types.js';
import { userPosition } from './error-location.js';
import { guestSource } from './guest-source.js';
import { failedOutcome, type ExecutionError, type Outcome } from './outcome.js';
import type { FromWorker, RawOutcome, WireSdkResult, WorkerHealth } from './protocol.js';
import type { RunRequest } from './run-request.js';
import { noopLogger, type RuntimeLogger } from './runtime-logger.js';
import { spawnWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface SandboxOptions {
  /** Worker processes (default 2). */
  readonly processes?: number;
  /** Isolates kept per process, least recently used disposed first (default 200). */
  readonly maxIsolatesPerProcess?: number;
  /** RSS cap per worker process; over it the process is killed and replaced (default 1 GiB). */
  readonly processMemoryLimitBytes?: number;
  /** Time past a run's deadline before the supervisor kills its worker (default 2000 ms). */
  readonly watchdogGraceMs?: number;
  readonly logger?: RuntimeLogger;
}

export interface SandboxStats {
  /** Worker processes ready to run scripts. */
  readonly processes: number;
  /** Isolates alive across workers (as last reported). */
  readonly isolates: number;
  /** Runs accepted and not finished yet. */
  readonly busy: number;
  /** Worker processes replaced since the sandbox started. */
  readonly restarts: number;
  /** Finished runs that got a fresh context, and runs served by a context an earlier run of the same script left reusable. */
  readonly contexts: { readonly fresh: number; readonly reused: number };
}

export interface Sandbox {
  /** Resolves with the outcome; rejects only for a malformed request (a bug in the caller). */
  run(request: RunRequest, sdk: SdkHandler): Promise<Outcome>;
  /** True when the execution was running or waiting here; it ends with CANCELLED. */
  cancel(executionId: string): boolean;
  stats(): SandboxStats;
  /** Process ids of the live workers (diagnostics and tests). */
  workerPids(): number[];
  close(): Promise<void>;
}

const CAPABILITIES: ReadonlySet<string> = new Set<CapabilityName>([
  'http',
  'db',
  'cache',
  'events',
]);
const SDK_INTERNAL: WireSdkResult = { ok: false, code: 'SDK_ERROR', message: 'Internal SDK error' };
/**
 * Runs a worker that already has the script warm may carry beyond the least busy worker before
 * the run goes to that one instead (which then warms up too): affinity without hot spots.
 */
const AFFINITY_SLACK = 1;
/** Script ids remembered per worker as warm (their isolates are likely still alive). */
const WARM_SCRIPTS_PER_WORKER = 1000;
const CANCEL_GRACE_MS = 1000;
const STARTUP_TIMEOUT_MS = 15_000;
const UNRESPONSIVE_MS = 5000;
const SUPERVISE_EVERY_MS = 1000;

interface Worker {
  readonly index: number;
  process: WorkerProcess;
  ready: boolean;
  readonly runs: Map<number, PendingRun>;
  /** Scripts this process ran recently, so their isolates are likely warm there. */
  readonly warm: LRUCache<string, true>;
  health: WorkerHealth;
  lastSeen: number;
  startedAt: number;
  failedStarts: number;
  killReason: 'memory' | 'unresponsive' | 'watchdog' | 'startup' | null;
  alive: boolean;
  readonly exitWaiters: Array<() => void>;
}

interface PendingRun {
  readonly id: number;
  readonly request: RunRequest;
  readonly contextJson: string;
  readonly sdk: SdkHandler;
  readonly resolve: (outcome: Outcome) => void;
  worker: Worker | null;
  verdict: 'timeout' | 'cancelled' | null;
  watchdog: NodeJS.Timeout | null;
  cancelTimer: NodeJS.Timeout | null;
}

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function toWire(result: SdkResult): WireSdkResult {
  if (!result.ok) {
    return typeof result.code === 'string' && typeof result.message === 'string'
      ? { ok: false, code: result.code, message: result.message }
      : SDK_INTERNAL;
  }
  try {
    const json: unknown = result.value === undefined ? '' : JSON.stringify(result.value);
    return typeof json === 'string' ? { ok: true, json } : SDK_INTERNAL;
  } catch {
    return SDK_INTERNAL;
  }
}

function validate(request: RunRequest): void {
  const { script, limits } = request;
  if (typeof request.executionId !== 'string' || request.executionId === '') {
    throw new TypeError('RunRequest.executionId must be a non-empty string');
  }
  if (
    typeof script.id !== 'string' ||
    typeof script.code !== 'string' ||
    !Number.isInteger(script.version)
  ) {
    throw new TypeError('RunRequest.script needs id, version and code');
  }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0)
      throw new TypeError(`RunRequest.limits.${name} must be > 0`);
  }
}

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const processCount = Math.max(1, options.processes ?? 2);
  const maxIsolates = Math.max(1, options.maxIsolatesPerProcess ?? 200);
  const rssLimit = options.processMemoryLimitBytes ?? 1024 * 1024 * 1024;
  const graceMs = options.watchdogGraceMs ?? 2000;
  const logger = options.logger ?? noopLogger;
  // Idle isolates may hold half the RSS cap; the rest is for running ones and the process itself.
  const init = { guestSource: guestSource(), maxIsolates, idleHeapBudgetBytes: rssLimit / 2 };
  const runMemoryBudget = rssLimit / 2;

  const workers: Worker[] = [];
  const byExecution = new Map<string, PendingRun>();
  const waiting: PendingRun[] = [];
  let nextRunId = 0;
  let restarts = 0;
  const contexts = { fresh: 0, reused: 0 };
  let closed = false;
  let readyWaiters: Array<() => void> = [];

  const finish = (run: PendingRun, outcome: Outcome): void => {
    if (byExecution.get(run.request.executionId) === run)
      byExecution.delete(run.request.executionId);
    if (run.watchdog) clearTimeout(run.watchdog);
    if (run.cancelTimer) clearTimeout(run.cancelTimer);
    const freed = run.worker?.runs.delete(run.id) === true;
    run.worker = null;
    run.resolve(outcome);
    // Memory came free on that worker: runs waiting for room may go now.
    if (freed && waiting.length > 0) drainWaiting();
  };

  const systemFailure = (message: string): Outcome =>
    failedOutcome({ kind: 'system', code: 'SANDBOX_CRASHED', message });

  const verdictOutcome = (run: PendingRun, crashMessage: string): Outcome => {
    if (run.verdict === 'cancelled') {
      return failedOutcome({
        kind: 'cancelled',
        code: 'CANCELLED',
        message: 'The execution was cancelled',
      });
    }
    if (run.verdict === 'timeout') {
      return failedOutcome({
        kind: 'timeout',
        code: 'TIMEOUT',
        message: `Script exceeded its time limit of ${run.request.limits.maxExecutionTimeMs} ms`,
      });
    }
    return systemFailure(crashMessage);
  };

  const toOutcome = (run: PendingRun, raw: RawOutcome): Outcome => {
    const { logs, logsDropped, metrics } = raw;
    if (raw.ok)
      return { ok: true, value: JSON.parse(raw.json) as unknown, logs, logsDropped, metrics };
    let error: ExecutionError = raw.error;
    if (error.line !== undefined && error.column !== undefined) {
      const { line: _line, column: _column, ...rest } = error;
      error = { ...rest, ...userPosition(run.request.script, error.line, error.column) };
    }
    return { ok: false, error, logs, logsDropped, metrics };
  };

  const kill = (worker: Worker, reason: NonNullable<Worker['killReason']>): void => {
    if (worker.killReason === null) worker.killReason = reason;
    worker.process.kill();
  };

  /** Memory limits of the runs a worker carries (what they may grow to). */
  const committed = (worker: Worker): number => {
    let bytes = 0;
    for (const run of worker.runs.values()) bytes += run.request.limits.maxMemoryBytes;
    return bytes;
  };

  /**
   * A worker for this run, or null when none is ready or none has room: runs wait (in `waiting`)
   * rather than push a worker over its memory cap, which would fail every run on it. Runs on a
   * worker may together reach half its RSS cap (idle isolates may hold the other half); a worker
   * with no run takes any run.
   */
  const pick = (scriptId: string, memoryBytes: number): Worker | null => {
    let least: Worker | null = null;
    let leastWarm: Worker | null = null;
    // Start at a per-script offset so cold scripts spread over workers deterministically.
    const offset = hashString(scriptId) % workers.length;
    for (let i = 0; i < workers.length; i++) {
      const worker = workers[(offset + i) % workers.length]!;
      if (!worker.ready) continue;
      if (worker.runs.size > 0 && committed(worker) + memoryBytes > runMemoryBudget) continue;
      if (least === null || worker.runs.size < least.runs.size) least = worker;
      if (
        worker.warm.has(scriptId) &&
        (leastWarm === null || worker.runs.size < leastWarm.runs.size)
      ) {
        leastWarm = worker;
      }
    }
    if (
      leastWarm !== null &&
      least !== null &&
      leastWarm.runs.size <= least.runs.size + AFFINITY_SLACK
    ) {
      return leastWarm;
    }
    return least;
  };

  const assign = (run: PendingRun, worker: Worker): void => {
    run.worker = worker;
    worker.runs.set(run.id, run);
    const { script, limits } = run.request;
    worker.warm.set(script.id, true);
    worker.process.send({
      t: 'run',
      id: run.id,
      run: {
        scriptId: script.id,
        version: script.version,
        code: script.code,
        limits,
        contextJson: run.contextJson,
      },
    });
  };

  const drainWaiting = (): void => {
    while (waiting.length > 0) {
      const next = waiting[0]!.request;
      const worker = pick(next.script.id, next.limits.maxMemoryBytes);
      if (!worker) return;
      assign(waiting.shift()!, worker);
    }
  };

  const onWatchdog = (run: PendingRun): void => {
    run.watchdog = null;
    if (run.worker === null) {
      const at = waiting.indexOf(run);
      if (at !== -1) waiting.splice(at, 1);
      finish(run, systemFailure('No sandbox process became available in time'));
      return;
    }
    // The worker should have reported TIMEOUT at the deadline; it is stuck, so it goes.
    run.verdict ??= 'timeout';
    logger.warn(
      { executionId: run.request.executionId, pid: run.worker.process.pid },
      'sandbox watchdog killed a worker',
    );
    kill(run.worker, 'watchdog');
  };

  const relaySdk = async (
    worker: Worker,
    message: Extract<FromWorker, { t: 'sdk' }>,
  ): Promise<void> => {
    const run = worker.runs.get(message.id);
    if (!run) return;
    let wire: WireSdkResult;
    let args: unknown;
    try {
      args = JSON.parse(message.argsJson);
    } catch {
      args = null;
    }
    if (!CAPABILITIES.has(message.capability) || !Array.isArray(args)) {
      wire = { ok: false, code: 'SDK_ERROR', message: 'Unknown SDK call' };
    } else {
      try {
        wire = toWire(
          await run.sdk({
            capability: message.capability as CapabilityName,
            method: message.method,
            args,
          }),
        );
      } catch (err) {
        // SdkHandler must not reject; if it does, the script still gets a clean error.
        logger.error({ err, executionId: run.request.executionId }, 'SDK handler rejected');
        wire = SDK_INTERNAL;
      }
    }
    if (worker.runs.get(message.id) === run) {
      worker.process.send({
        t: 'sdk-result',
        id: message.id,
        callId: message.callId,
        result: wire,
      });
    }
  };

  const noteHealth = (worker: Worker, health: WorkerHealth): void => {
    worker.health = health;
    if (health.rss > rssLimit && worker.killReason === null) {
      logger.warn(
        { pid: worker.process.pid, rss: health.rss },
        'sandbox worker over its memory limit',
      );
      kill(worker, 'memory');
    }
  };

  const onMessage = (worker: Worker, message: FromWorker): void => {
    worker.lastSeen = Date.now();
    switch (message.t) {
      case 'sdk':
        void relaySdk(worker, message);
        return;
      case 'done': {
        const run = worker.runs.get(message.id);
        if (!run) return;
        let outcome: Outcome;
        const { contextRuns } = message.outcome;
        if (contextRuns === 0) contexts.fresh++;
        else if (typeof contextRuns === 'number') contexts.reused++;
        try {
          outcome = toOutcome(run, message.outcome);
        } catch (err) {
          // Only a broken worker sends what cannot be read; it does not get to crash us.
          logger.error({ err, pid: worker.process.pid }, 'unreadable sandbox result');
          outcome = systemFailure('The sandbox process returned an unreadable result');
        }
        finish(run, outcome);
        return;
      }
      case 'heartbeat':
        noteHealth(worker, message.health);
        return;
      default:
        return;
    }
  };

  const crashMessage = (worker: Worker): string =>
    worker.killReason === 'memory'
      ? 'The sandbox process exceeded its memory limit'
      : 'The sandbox process stopped unexpectedly';

  const start = (worker: Worker): void => {
    worker.ready = false;
    worker.killReason = null;
    worker.startedAt = Date.now();
    worker.lastSeen = worker.startedAt;
    worker.health = { rss: 0, isolates: 0 };
    worker.warm.clear();
    worker.alive = true;
    worker.process = spawnWorkerProcess(init, {
      onReady: () => {
        worker.ready = true;
        worker.failedStarts = 0;
        worker.lastSeen = Date.now();
        const waiters = readyWaiters;
        readyWaiters = [];
        for (const wake of waiters) wake();
        drainWaiting();
      },
      onMessage: (message) => onMessage(worker, message),
      onExit: () => onExit(worker),
    });
  };

  const onExit = (worker: Worker): void => {
    const wasReady = worker.ready;
    worker.ready = false;
    worker.alive = false;
    for (const wake of worker.exitWaiters.splice(0)) wake();
    const message = crashMessage(worker);
    for (const run of [...worker.runs.values()]) finish(run, verdictOutcome(run, message));
    worker.runs.clear();
    if (closed) return;
    if (!wasReady) worker.failedStarts++;
    restarts++;
    logger.warn(
      { index: worker.index, reason: worker.killReason ?? 'exit' },
      'sandbox worker replaced',
    );
    // A worker that cannot start should not be respawned in a hot loop.
    const delay = worker.failedStarts === 0 ? 0 : Math.min(5000, 100 * 2 ** worker.failedStarts);
    const restart = (): void => {
      if (!closed) start(worker);
    };
    if (delay === 0) restart();
    else setTimeout(restart, delay).unref();
  };

  const supervise = setInterval(() => {
    const now = Date.now();
    for (const worker of workers) {
      if (worker.killReason !== null) continue;
      if (!worker.ready && now - worker.startedAt > STARTUP_TIMEOUT_MS) kill(worker, 'startup');
      else if (worker.ready && now - worker.lastSeen > UNRESPONSIVE_MS)
        kill(worker, 'unresponsive');
    }
  }, SUPERVISE_EVERY_MS);
  supervise.unref();

  for (let index = 0; index < processCount; index++) {
    const worker: Worker = {
      index,
      process: undefined as unknown as WorkerProcess,
      ready: false,
      runs: new Map(),
      warm: new LRUCache<string, true>({ max: WARM_SCRIPTS_PER_WORKER }),
      health: { rss: 0, isolates: 0 },
      lastSeen: 0,
      startedAt: 0,
      failedStarts: 0,
      killReason: null,
      alive: false,
      exitWaiters: [],
    };
    workers.push(worker);
    start(worker);
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      closed = true;
      clearInterval(supervise);
      waiting.length = 0;
      for (const run of [...byExecution.values()])
        finish(run, systemFailure('The sandbox was shut down'));
      await Promise.all(
        workers.map((worker) =>
          worker.alive
            ? new Promise<void>((resolve) => {
                worker.exitWaiters.push(resolve);
                worker.process.kill();
              })
            : undefined,
        ),
      );
    })();
    return closing;
  };

  // Wait until every worker is ready so the first runs do not pay process startup.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new Error('sandbox worker processes did not start'));
    }, STARTUP_TIMEOUT_MS);
    const check = (): void => {
      if (workers.every((worker) => worker.ready)) {
        clearTimeout(timer);
        resolve();
      } else {
        readyWaiters.push(check);
      }
    };
    check();
  });

  return {
    run(request, sdk) {
      let contextJson: string;
      try {
        validate(request);
        contextJson = JSON.stringify(request.context);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new TypeError(String(err)));
      }
      if (closed) return Promise.resolve(systemFailure('The sandbox was shut down'));
      return new Promise<Outcome>((resolve) => {
        const run: PendingRun = {
          id: ++nextRunId,
          request,
          contextJson,
          sdk,
          resolve,
          worker: null,
          verdict: null,
          watchdog: null,
          cancelTimer: null,
        };
        byExecution.set(request.executionId, run);
        run.watchdog = setTimeout(
          () => onWatchdog(run),
          request.limits.maxExecutionTimeMs + graceMs,
        );
        const worker = pick(request.script.id, request.limits.maxMemoryBytes);
        if (worker) assign(run, worker);
        else waiting.push(run);
      });
    },

    cancel(executionId) {
      const run = byExecution.get(executionId);
      if (!run || run.verdict !== null) return run !== undefined;
      run.verdict = 'cancelled';
      const worker = run.worker;
      if (worker === null) {
        const at = waiting.indexOf(run);
        if (at !== -1) waiting.splice(at, 1);
        finish(run, verdictOutcome(run, ''));
        return true;
      }
      worker.process.send({ t: 'cancel', id: run.id });
      run.cancelTimer = setTimeout(() => kill(worker, 'watchdog'), CANCEL_GRACE_MS);
      return true;
    },

    stats() {
      let isolates = 0;
      let processes = 0;
      for (const worker of workers) {
        if (!worker.ready) continue;
        processes++;
        isolates += worker.health.isolates;
      }
      return { processes, isolates, busy: byExecution.size, restarts, contexts: { ...contexts } };
    },

    workerPids() {
      return workers.flatMap((worker) =>
        worker.ready && worker.process.pid ? [worker.process.pid] : [],
      );
    },

    close,
  };
}
