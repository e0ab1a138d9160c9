// Runs one execution: concurrency slots, the running record, the sandbox with a per-execution
// SDK, the final record, service-log lines, metrics and jsruntime.execution.* events.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { ScriptLimits } from '../domain/script.js';
import type { Outcome, ExecutionError, LogLine } from '../runtime/outcome.js';
import type { RunRequest, TriggerInfo } from '../runtime/run-request.js';
import type { SdkHandler } from '../runtime/sdk/types.js';
import type { ExecutionStatus } from '../store/executions.js';
import type { ConcurrencyLimiter } from './concurrency.js';
import type { ExecutionRecorder } from './execution-recorder.js';

/** A runnable script version (immutable, so it can be cached). */
export interface ExecutionTarget {
  readonly tenantId: string;
  readonly organizationId: string | null;
  readonly scriptId: string;
  readonly scriptName: string;
  readonly version: number;
  readonly code: string;
  readonly sourceMap: string | null;
  readonly lineOffset: number;
  readonly limits: ScriptLimits;
}

export interface ExecuteOptions {
  /** A queued execution already has its pending row; otherwise a new id is made. */
  readonly executionId?: string;
  readonly trigger: TriggerInfo;
  /** Stored as the execution's trigger data (request, event envelope, cron tick …). */
  readonly triggerData?: Record<string, unknown>;
  readonly input: unknown;
  readonly userId: number | null;
  readonly attempt?: number;
  readonly chainDepth?: number;
  /**
   * Called once the slots are held, before anything runs: a queued execution claims its pending
   * row here and answers false when it was cancelled meanwhile.
   */
  readonly claim?: () => Promise<boolean>;
  /** false for runs of scripts that are not stored (the CLI's `run FILE`): nothing is recorded. */
  readonly record?: boolean;
}

export interface ExecutionResult {
  readonly id: string;
  readonly status: ExecutionStatus;
  readonly output: unknown;
  readonly error: ExecutionError | null;
  readonly logs: readonly LogLine[];
  readonly logsDropped: number;
  readonly metrics: Record<string, number>;
  readonly startedAt: Date;
  readonly completedAt: Date;
}

export type ExecuteAnswer =
  | { readonly ran: true; readonly result: ExecutionResult }
  | { readonly ran: false; readonly reason: 'script' | 'tenant' | 'cancelled' };

/** What the executor needs of the sandbox and the SDK. */
export interface SandboxPort {
  run(req: RunRequest, sdk: SdkHandler): Promise<Outcome>;
  cancel(executionId: string): boolean;
}

export interface SdkPort {
  forExecution(
    ctx: {
      tenantId: string;
      scriptId: string;
      executionId: string;
      userId: number | null;
      organizationId: string | null;
      deadline: number;
      chainDepth: number;
    },
    limits: { maxApiCallsPerMinute: number },
  ): {
    handler: SdkHandler;
    counters(): { apiCallCount: number; dbQueryCount: number; httpCallCount: number };
    release(): Promise<void>;
  };
}

export type ExecutionEventSink = (
  tenantId: string,
  type: string,
  payload: Record<string, unknown>,
) => Promise<void>;

const SERVICE_LOG_LINES_PER_MINUTE = 100;
const RUNNING_RECORD_DELAY_MS = 50;

function statusOf(outcome: Outcome): ExecutionStatus {
  if (outcome.ok) return 'completed';
  if (outcome.error.kind === 'timeout') return 'timeout';
  if (outcome.error.kind === 'cancelled') return 'cancelled';
  return 'failed';
}

export function createExecutor(deps: {
  sandbox: SandboxPort;
  sdk: SdkPort;
  recorder: ExecutionRecorder;
  concurrency: ConcurrencyLimiter;
  tenantMaxConcurrency: number;
  nodeId: string;
  logger: Logger;
  metrics: Metrics;
  /** Publishes jsruntime.execution.* events (only stored when someone subscribes). */
  emit: ExecutionEventSink;
}) {
  const logWindow = new Map<string, { minute: number; count: number }>();
  const running = new Set<string>();

  function toServiceLog(
    target: ExecutionTarget,
    executionId: string,
    userId: number | null,
    logs: readonly LogLine[],
  ): void {
    if (logs.length === 0) return;
    const minute = Math.floor(Date.now() / 60_000);
    let w = logWindow.get(target.scriptId);
    if (!w || w.minute !== minute) {
      w = { minute, count: 0 };
      logWindow.set(target.scriptId, w);
      if (logWindow.size > 10_000) logWindow.clear();
    }
    const log = deps.logger.child({
      tenant_id: target.tenantId,
      user_id: userId,
      organization_id: target.organizationId,
      script_id: target.scriptId,
      execution_id: executionId,
    });
    for (const line of logs) {
      if (w.count >= SERVICE_LOG_LINES_PER_MINUTE) break;
      w.count++;
      log[line.level](
        { timestamp: line.timestamp, metadata: line.metadata, source: 'script' },
        line.message,
      );
    }
  }

  return {
    /** Executions running on this node right now. */
    runningCount: () => running.size,
    isRunning: (id: string) => running.has(id),
    cancel: (id: string) => deps.sandbox.cancel(id),

    async execute(target: ExecutionTarget, opts: ExecuteOptions): Promise<ExecuteAnswer> {
      const leaseMs = target.limits.maxExecutionTimeMs + 60_000;
      const release = await deps.concurrency.tryAcquire(
        [
          { key: `script:${target.scriptId}`, max: target.limits.maxConcurrentRuns },
          { key: `tenant:${target.tenantId}`, max: deps.tenantMaxConcurrency },
        ],
        leaseMs,
      );
      if (!release) {
        deps.metrics.rateLimitHits.inc({ limit: 'concurrency' });
        // Tell which limit: the tenant one is the broader message.
        const scriptOnly = await deps.concurrency.tryAcquire(
          [{ key: `tenant:${target.tenantId}`, max: deps.tenantMaxConcurrency }],
          1000,
        );
        if (scriptOnly) await scriptOnly();
        return { ran: false, reason: scriptOnly ? 'script' : 'tenant' };
      }
      const id = opts.executionId ?? randomUUID();
      running.add(id);
      let runningTimer: NodeJS.Timeout | null = null;
      try {
        if (opts.claim && !(await opts.claim())) return { ran: false, reason: 'cancelled' };
        const startedAt = new Date();
        const base = {
          id,
          tenantId: target.tenantId,
          scriptId: target.scriptId,
          scriptVersion: target.version,
          triggerType: opts.trigger.type,
          triggerData: opts.triggerData ?? {},
          input: opts.input ?? {},
          attempt: opts.attempt ?? 1,
          userId: opts.userId,
          nodeId: deps.nodeId,
          startedAt,
        };
        const record = opts.record !== false;
        // A queued execution's claim already marked it running. A direct one is marked running
        // only if it is still going after RUNNING_RECORD_DELAY_MS: most finish sooner and then
        // cost a single write (their final state), and nothing can be left "running" by a
        // node that dies in that window because nothing was written yet.
        let runningWrite: Promise<void> = Promise.resolve();
        runningTimer =
          record && !opts.claim
            ? setTimeout(() => {
                runningWrite = deps.recorder.write({
                  ...base,
                  status: 'running',
                  completedAt: null,
                });
              }, RUNNING_RECORD_DELAY_MS)
            : null;
        if (record)
          void deps.emit(target.tenantId, 'jsruntime.execution.started', {
            executionId: id,
            scriptId: target.scriptId,
            trigger: opts.trigger.type,
          });

        const deadline = Date.now() + target.limits.maxExecutionTimeMs;
        const sdk = deps.sdk.forExecution(
          {
            tenantId: target.tenantId,
            scriptId: target.scriptId,
            executionId: id,
            userId: opts.userId,
            organizationId: target.organizationId,
            deadline,
            chainDepth: opts.chainDepth ?? 0,
          },
          { maxApiCallsPerMinute: target.limits.maxApiCallsPerMinute },
        );
        let outcome: Outcome;
        try {
          outcome = await deps.sandbox.run(
            {
              executionId: id,
              script: {
                id: target.scriptId,
                version: target.version,
                code: target.code,
                sourceMap: target.sourceMap,
                lineOffset: target.lineOffset,
              },
              limits: {
                maxExecutionTimeMs: target.limits.maxExecutionTimeMs,
                maxMemoryBytes: target.limits.maxMemoryBytes,
                maxOutputSizeBytes: target.limits.maxOutputSizeBytes,
              },
              context: {
                tenantId: target.tenantId,
                userId: opts.userId,
                organizationId: target.organizationId,
                scriptId: target.scriptId,
                executionId: id,
                input: opts.input ?? {},
                trigger: opts.trigger,
              },
            },
            sdk.handler,
          );
        } finally {
          await sdk.release();
        }
        const completedAt = new Date();
        if (runningTimer) clearTimeout(runningTimer);
        const status = statusOf(outcome);
        const metrics = { ...outcome.metrics, ...sdk.counters() };
        const error = outcome.ok ? null : outcome.error;
        const output = outcome.ok ? outcome.value : null;
        await Promise.all([
          runningWrite,
          record &&
            deps.recorder.write({
              ...base,
              status,
              output,
              error,
              logs: outcome.logs,
              logsDropped: outcome.logsDropped,
              metrics,
              completedAt,
            }),
        ]);
        deps.metrics.executions.inc({ status, trigger: opts.trigger.type });
        deps.metrics.executionDuration.observe(
          { trigger: opts.trigger.type },
          outcome.metrics.durationMs / 1000,
        );
        toServiceLog(target, id, opts.userId, outcome.logs);
        const eventType =
          status === 'completed'
            ? 'jsruntime.execution.completed'
            : status === 'timeout'
              ? 'jsruntime.execution.timeout'
              : 'jsruntime.execution.failed';
        if (record && status !== 'cancelled') {
          void deps.emit(target.tenantId, eventType, {
            executionId: id,
            scriptId: target.scriptId,
            status,
            trigger: opts.trigger.type,
            ...(error ? { error: { code: error.code, message: error.message } } : {}),
          });
        }
        return {
          ran: true,
          result: {
            id,
            status,
            output,
            error,
            logs: outcome.logs,
            logsDropped: outcome.logsDropped,
            metrics,
            startedAt,
            completedAt,
          },
        };
      } finally {
        if (runningTimer) clearTimeout(runningTimer);
        running.delete(id);
        // Not awaited: the answer need not wait for Redis to confirm. The release is sent before
        // the answer on the limiter's one connection, so this node's next acquire comes after it
        // (and the memory backend releases synchronously).
        void release();
      }
    },
  };
}

export type Executor = ReturnType<typeof createExecutor>;
