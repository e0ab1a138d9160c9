// Fixtures for tests that drive the sandbox: requests from plain JavaScript bodies and SDK fakes.
import type { SdkCall, SdkHandler, SdkResult } from './sdk/types.js';
import type { CompiledScript, RunLimits, RunRequest, ScriptContext } from './run-request.js';

/** Same body → same version, so repeated runs reuse compiled code like a saved script would. */
const versions = new Map<string, number>();
let executionCounter = 0;

/** What runtime/compile.ts produces for a JavaScript body: one wrapper line, no source map. */
export function jsScript(
  body: string,
  options: { id?: string; version?: number } = {},
): CompiledScript {
  const code = `async function () {\n${body}\n}`;
  let version = options.version ?? versions.get(code);
  if (version === undefined) {
    version = versions.size + 1;
    versions.set(code, version);
  }
  return { id: options.id ?? 'test-script', version, code, sourceMap: null, lineOffset: 1 };
}

export const TEST_LIMITS: RunLimits = {
  maxExecutionTimeMs: 1000,
  maxMemoryBytes: 32 * 1024 * 1024,
  maxOutputSizeBytes: 1024 * 1024,
};

export interface RequestOptions {
  readonly limits?: Partial<RunLimits>;
  readonly input?: unknown;
  readonly executionId?: string;
  readonly scriptId?: string;
}

export function makeRequest(
  script: string | CompiledScript,
  options: RequestOptions = {},
): RunRequest {
  const compiled =
    typeof script === 'string'
      ? jsScript(script, options.scriptId ? { id: options.scriptId } : {})
      : script;
  const executionId = options.executionId ?? `exec-${process.pid}-${++executionCounter}`;
  const context: ScriptContext = {
    tenantId: 'tenant-1',
    userId: 7,
    organizationId: null,
    scriptId: compiled.id,
    executionId,
    input: options.input ?? {},
    trigger: {
      type: 'manual',
      eventType: null,
      eventPayload: null,
      httpRequest: null,
      cronExpression: null,
    },
  };
  return { executionId, script: compiled, limits: { ...TEST_LIMITS, ...options.limits }, context };
}

/** An SdkHandler that refuses everything (scripts that make no SDK calls). */
export const noSdk: SdkHandler = () =>
  Promise.resolve({ ok: false, code: 'SDK_ERROR', message: 'No SDK in this test' });

/** An SdkHandler answering from a function, recording every call. */
export function recordingSdk(
  answer: (call: SdkCall) => SdkResult | Promise<SdkResult>,
): SdkHandler & {
  calls: SdkCall[];
} {
  const calls: SdkCall[] = [];
  const handler = async (call: SdkCall): Promise<SdkResult> => {
    calls.push(call);
    return answer(call);
  };
  return Object.assign(handler, { calls });
}
