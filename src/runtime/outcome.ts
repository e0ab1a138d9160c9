// What one execution produced: a value or an ExecutionError, plus logs and metrics. Never thrown.

export type ExecutionErrorKind = 'script' | 'timeout' | 'memory' | 'sdk' | 'system' | 'cancelled';

/**
 * Codes the sandbox itself produces. A script error keeps the `code` of the thrown Error when it
 * looks like one (e.g. an uncaught SDK error such as `RATE_LIMIT`), so `code` is a string.
 */
export type SandboxErrorCode =
  | 'SCRIPT_ERROR'
  | 'SYNTAX_ERROR'
  | 'TIMEOUT'
  | 'MEMORY_LIMIT'
  | 'OUTPUT_TOO_LARGE'
  | 'OUTPUT_NOT_SERIALIZABLE'
  | 'SANDBOX_CRASHED'
  | 'CANCELLED';

export interface ExecutionError {
  readonly kind: ExecutionErrorKind;
  readonly code: string;
  /** Safe for the script author: no host stack, path or internal detail. */
  readonly message: string;
  /** 1-based line in the user's source (TypeScript source when a source map was given). */
  readonly line?: number;
  /** 1-based column in the user's source. */
  readonly column?: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly metadata?: unknown;
  /** ISO 8601, taken when the line reached the sandbox worker. */
  readonly timestamp: string;
}

export interface ExecutionMetrics {
  /** Wall time from the start of the execution in the isolate to its end. */
  readonly durationMs: number;
  /** CPU time the isolate spent on this execution (excludes waiting on SDK calls). */
  readonly cpuMs: number;
  /** Isolate heap in use (plus external buffers) when the execution ended. */
  readonly memoryUsedBytes: number;
}

interface OutcomeBase {
  readonly logs: readonly LogLine[];
  /** Log lines over the per-execution caps (1000 lines, 1 MB): counted, not stored. */
  readonly logsDropped: number;
  readonly metrics: ExecutionMetrics;
}

export type Outcome =
  | (OutcomeBase & { readonly ok: true; readonly value: unknown })
  | (OutcomeBase & { readonly ok: false; readonly error: ExecutionError });

export const ZERO_METRICS: ExecutionMetrics = Object.freeze({
  durationMs: 0,
  cpuMs: 0,
  memoryUsedBytes: 0,
});

/** A failed outcome with no logs, for failures decided outside the isolate. */
export function failedOutcome(error: ExecutionError, partial: Partial<OutcomeBase> = {}): Outcome {
  return {
    ok: false,
    error,
    logs: partial.logs ?? [],
    logsDropped: partial.logsDropped ?? 0,
    metrics: partial.metrics ?? ZERO_METRICS,
  };
}
