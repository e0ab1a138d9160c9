// Sandbox worker side: one execution — take an isolate, run the script in the isolate's next
// context (fresh, or the one the previous run of this script left reusable) under the wall-time
// watchdog, and describe whatever happened as a RawOutcome.
import { randomBytes } from 'node:crypto';
import type ivm from 'isolated-vm';
import {
  API_CALL_LIMIT_MESSAGE,
  MAX_SDK_ARGS_CHARS,
  OP_RUN,
  OP_SETTLE,
  type ContextChanged,
  type RunEnvelope,
} from './guest/protocol.js';
import type { IsolatePool, IsolateSlot, SlotListener } from './isolate-pool.js';
import { createLogCollector } from './log-collector.js';
import type { ExecutionError, ExecutionMetrics } from './outcome.js';
import type { RawOutcome, WireSdkResult, WorkerRun } from './protocol.js';
import { describeHostThrown } from './thrown.js';

const MiB = 1024 * 1024;
/** isolated-vm's minimum isolate memory limit. */
const MIN_MEMORY_MIB = 8;

export type StopReason = 'timeout' | 'cancelled';

export interface ExecutionDeps {
  readonly pool: IsolatePool;
  /** Forwards an SDK call to the supervisor. */
  readonly sendSdk: (callId: number, capability: string, method: string, argsJson: string) => void;
  /**
   * Calls one execution may start before the worker answers API_CALL_LIMIT by itself. The
   * supervisor's dispatcher enforces the real cap (100); this only keeps a runaway loop from
   * flooding IPC.
   */
  readonly maxSdkCalls: number;
}

export interface Execution {
  stop(reason: StopReason): void;
  settleSdk(callId: number, result: WireSdkResult): void;
  readonly done: Promise<RawOutcome>;
}

/** Tokens of runs in this process; see IsolateSlot.activeToken. */
let runTokens = 0;

export function memoryLimitMiB(maxMemoryBytes: number): number {
  return Math.max(MIN_MEMORY_MIB, Math.ceil(maxMemoryBytes / MiB));
}

export function startExecution(run: WorkerRun, deps: ExecutionDeps): Execution {
  const startedAt = performance.now();
  const logs = createLogCollector();
  const memoryMiB = memoryLimitMiB(run.limits.maxMemoryBytes);
  let stopReason: StopReason | null = null;
  let slot: IsolateSlot | null = null;
  let entry: ivm.Reference<unknown> | null = null;
  let finished = false;
  let sdkCalls = 0;
  let cpuStart: bigint | null = null;
  /** Runs the context had served before this one; null until a context was taken. */
  let contextRuns: number | null = null;
  /** The isolate's heap as last measured for the metrics (the pool decides on it). */
  let heapBytes = 0;
  let cpuAtStop: bigint | null = null;
  let signalStopped: () => void = () => {};
  const stopped = new Promise<null>((resolve) => {
    signalStopped = () => resolve(null);
  });

  const settle = (callId: number, args: readonly [boolean, string, string]): void => {
    if (finished || entry === null) return;
    try {
      entry.applyIgnored(undefined, [OP_SETTLE, callId, ...args]);
    } catch {
      // isolate already disposed: the execution is ending anyway
    }
  };

  const listener: SlotListener = {
    call(callId, capability, method, argsJson) {
      if (finished || typeof callId !== 'number') return;
      if (
        typeof capability !== 'string' ||
        typeof method !== 'string' ||
        typeof argsJson !== 'string'
      ) {
        return;
      }
      // The guest refuses larger arguments itself; this only guards against a broken guest.
      if (argsJson.length > MAX_SDK_ARGS_CHARS) {
        settle(callId, [false, 'SDK_ERROR', 'SDK call arguments are too large']);
        return;
      }
      if (++sdkCalls > deps.maxSdkCalls) {
        settle(callId, [false, 'API_CALL_LIMIT', API_CALL_LIMIT_MESSAGE]);
        return;
      }
      deps.sendSdk(callId, capability, method, argsJson);
    },
    log(level, message, metadataJson) {
      if (!finished) logs.add(level, message, metadataJson);
    },
    dropped(count) {
      logs.guestDropped(count);
    },
  };

  const stop = (reason: StopReason): void => {
    if (finished || stopReason !== null) return;
    stopReason = reason;
    if (slot) {
      try {
        cpuAtStop = slot.isolate.cpuTime;
      } catch {
        // already disposed
      }
      // Disposing is the only way to stop a loop that started after an `await`.
      deps.pool.discard(slot);
    }
    signalStopped();
  };

  const timer = setTimeout(() => stop('timeout'), run.limits.maxExecutionTimeMs);

  const metrics = (memoryOverride?: number): ExecutionMetrics => {
    let cpuMs = 0;
    let memoryUsedBytes = memoryOverride ?? 0;
    if (slot && cpuStart !== null) {
      try {
        cpuMs = Number((cpuAtStop ?? slot.isolate.cpuTime) - cpuStart) / 1e6;
      } catch {
        // disposed by isolated-vm (memory limit): CPU time is gone with it
      }
    }
    if (slot && memoryOverride === undefined && !slot.isolate.isDisposed) {
      try {
        const heap = slot.isolate.getHeapStatisticsSync();
        memoryUsedBytes = heap.used_heap_size + heap.externally_allocated_size;
        heapBytes = memoryUsedBytes;
      } catch {
        // disposed between the check and the call
      }
    }
    return { durationMs: performance.now() - startedAt, cpuMs, memoryUsedBytes };
  };

  const fail = (error: ExecutionError, memoryOverride?: number): RawOutcome => {
    const { logs: lines, logsDropped } = logs.result();
    return { ok: false, error, logs: lines, logsDropped, metrics: metrics(memoryOverride) };
  };

  const stoppedOutcome = (): RawOutcome =>
    stopReason === 'cancelled'
      ? fail({ kind: 'cancelled', code: 'CANCELLED', message: 'The execution was cancelled' })
      : fail({
          kind: 'timeout',
          code: 'TIMEOUT',
          message: `Script exceeded its time limit of ${run.limits.maxExecutionTimeMs} ms`,
        });

  const memoryOutcome = (): RawOutcome =>
    fail(
      {
        kind: 'memory',
        code: 'MEMORY_LIMIT',
        message: `Script exceeded its memory limit of ${memoryMiB} MiB`,
      },
      memoryMiB * MiB,
    );

  const classify = (thrown: unknown, phase: 'compile' | 'run'): RawOutcome => {
    if (stopReason !== null) return stoppedOutcome();
    const described = describeHostThrown(thrown);
    if (described.isolateDisposed || slot?.isolate.isDisposed === true) return memoryOutcome();
    if (phase === 'compile' && described.name === 'SyntaxError') {
      const message = described.message.replace(/^SyntaxError: /, '');
      return fail({ kind: 'script', code: 'SYNTAX_ERROR', message, ...described.location });
    }
    return fail({
      kind: 'script',
      code: described.code,
      message: described.message,
      ...described.location,
    });
  };

  const execute = async (): Promise<RawOutcome> => {
    const acquired = await Promise.race([
      deps.pool.acquire(run.scriptId, memoryMiB, () => stopReason !== null),
      stopped,
    ]);
    if (stopReason !== null) return stoppedOutcome();
    if (acquired === null) {
      return fail({
        kind: 'system',
        code: 'SANDBOX_CRASHED',
        message: 'The sandbox is shutting down',
      });
    }
    slot = acquired;
    slot.listener = listener;
    let reusable = false;
    let context: ivm.Context | null = null;
    let fn: ivm.Reference<unknown> | null = null;
    let phase: 'compile' | 'run' = 'compile';
    try {
      const script = await deps.pool.script(slot, run.scriptId, run.version, run.code);
      phase = 'run';
      const token = ++runTokens;
      slot.activeToken = token;
      let prepared = await deps.pool.takeContext(slot);
      let envelope: RunEnvelope | null = null;
      while (envelope === null) {
        cpuStart = slot.isolate.cpuTime;
        context = prepared.context;
        contextRuns = prepared.runs;
        entry = prepared.entry;
        if (prepared.fn?.version === run.version) {
          fn = prepared.fn.ref;
        } else {
          prepared.fn?.ref.release();
          fn = (await script.run(context, { reference: true })) as ivm.Reference<unknown>;
        }
        const answer = (await entry.apply(
          undefined,
          [
            OP_RUN,
            fn.derefInto(),
            run.contextJson,
            run.limits.maxOutputSizeBytes,
            token,
            randomBytes(16).toString('hex'),
          ],
          { result: { promise: true, copy: true } },
        )) as RunEnvelope | ContextChanged;
        if (!('contextChanged' in answer)) {
          envelope = answer;
        } else if (prepared.runs === 0) {
          throw new Error('a fresh context reported changes');
        } else {
          // An earlier run left something in this context: it serves no one again.
          fn.release();
          entry.release();
          context.release();
          [fn, entry, context] = [null, null, null];
          prepared = await deps.pool.freshContext(slot);
        }
      }
      await logs.settle(envelope.logLines);
      if (!envelope.ok) {
        if (envelope.kind === 'memory') return memoryOutcome();
        reusable = true;
        const { logs: lines, logsDropped } = logs.result(envelope.logsDropped);
        const { line, column } = envelope;
        return {
          ok: false,
          error: {
            kind: envelope.kind,
            code: envelope.code,
            message: envelope.message,
            ...(line === undefined ? {} : { line }),
            ...(column === undefined ? {} : { column }),
          },
          logs: lines,
          logsDropped,
          metrics: metrics(),
        };
      }
      reusable = true;
      // The guest compared UTF-16 length; this is the exact UTF-8 size.
      if (Buffer.byteLength(envelope.json) > run.limits.maxOutputSizeBytes) {
        return fail({
          kind: 'script',
          code: 'OUTPUT_TOO_LARGE',
          message: `Output is larger than ${run.limits.maxOutputSizeBytes} bytes`,
        });
      }
      const { logs: lines, logsDropped } = logs.result(envelope.logsDropped);
      return { ok: true, json: envelope.json, logs: lines, logsDropped, metrics: metrics() };
    } catch (thrown) {
      return classify(thrown, phase);
    } finally {
      slot.listener = null;
      slot.activeToken = 0;
      const clean = reusable && stopReason === null && !slot.isolate.isDisposed;
      // Kept for the next run of this script, which checks first that nothing was left behind.
      if (clean && context && entry && fn) {
        deps.pool.release(
          slot,
          { context, entry, fn: { version: run.version, ref: fn }, runs: (contextRuns ?? 0) + 1 },
          heapBytes,
        );
      } else {
        if (!slot.isolate.isDisposed) {
          fn?.release();
          entry?.release();
          context?.release();
        }
        if (clean) deps.pool.release(slot, null, heapBytes);
        else deps.pool.discard(slot);
      }
    }
  };

  const done = execute()
    .then((outcome): RawOutcome => (contextRuns === null ? outcome : { ...outcome, contextRuns }))
    .catch((): RawOutcome =>
      fail({
        kind: 'system',
        code: 'SANDBOX_CRASHED',
        message: 'The sandbox failed to run the script',
      }),
    )
    .finally(() => {
      finished = true;
      clearTimeout(timer);
    });

  return {
    stop,
    settleSdk(callId, result) {
      settle(callId, result.ok ? [true, result.json, ''] : [false, result.code, result.message]);
    },
    done,
  };
}
