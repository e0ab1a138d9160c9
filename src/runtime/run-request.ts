// The input of one sandbox execution: compiled script, limits and the `context` global (SPEC §4).

export type TriggerType = 'cron' | 'http' | 'event' | 'manual' | 'api';

export interface HttpRequestInfo {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly body: unknown;
}

/** Fields that do not apply to the trigger type are null. */
export interface TriggerInfo {
  readonly type: TriggerType;
  readonly eventType: string | null;
  readonly eventPayload: unknown;
  readonly httpRequest: HttpRequestInfo | null;
  readonly cronExpression: string | null;
}

/** The trigger of a run that no schedule, request or event started. */
export function simpleTrigger(type: 'manual' | 'api'): TriggerInfo {
  return { type, eventType: null, eventPayload: null, httpRequest: null, cronExpression: null };
}

/** The read-only `context` global a script sees. Must be JSON-serialisable. */
export interface ScriptContext {
  readonly tenantId: string;
  readonly userId: number | null;
  readonly organizationId: string | null;
  readonly scriptId: string;
  readonly executionId: string;
  readonly input: unknown;
  readonly trigger: TriggerInfo;
}

export interface CompiledScript {
  readonly id: string;
  readonly version: number;
  /** `async function (...) { body }` as produced by runtime/compile.ts. */
  readonly code: string;
  /** JSON source map from `code` back to the TypeScript source, or null for JavaScript. */
  readonly sourceMap: string | null;
  /** Wrapper lines in `code` before the user's line 1. */
  readonly lineOffset: number;
}

export interface RunLimits {
  readonly maxExecutionTimeMs: number;
  readonly maxMemoryBytes: number;
  readonly maxOutputSizeBytes: number;
}

export interface RunRequest {
  readonly executionId: string;
  readonly script: CompiledScript;
  readonly limits: RunLimits;
  readonly context: ScriptContext;
}
