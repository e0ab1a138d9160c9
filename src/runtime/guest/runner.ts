// Runs the script function in the prepared context and turns its result into a RunEnvelope.
// One context serves consecutive runs of a script as long as each run leaves it reusable.
import {
  JsonParse,
  JsonStringify,
  ObjectFreeze,
  ObjectIsFrozen,
  ObjectKeys,
} from './intrinsics.js';
import type { RunEnvelope } from './protocol.js';
import type { GuestLog } from './log.js';
import type { GlobalsSnapshot } from './harden.js';
import { describeThrown, truncate, type ThrownDescription } from './errors.js';

function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !ObjectIsFrozen(value)) {
    ObjectFreeze(value);
    for (const key of ObjectKeys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export type Runner = (
  fn: unknown,
  contextJson: string,
  maxOutputChars: number,
) => Promise<RunEnvelope>;

export interface RunnerDeps {
  readonly log: GuestLog;
  /** The global object as install() left it. */
  readonly globals: GlobalsSnapshot;
  /** SDK calls in flight. */
  readonly pendingCalls: () => number;
  /** Sets what the `context` global returns. */
  readonly setContext: (value: unknown) => void;
}

export function createRunner(deps: RunnerDeps): Runner {
  const { log } = deps;
  /**
   * Checked when a run ends: the next run may share this context only if this one left no SDK
   * call in flight (nothing of it can run later) and no trace on the global object (everything
   * else a script can reach is frozen by harden()).
   */
  const reusable = (): boolean => deps.pendingCalls() === 0 && deps.globals.unchanged();
  const fail = (
    error: Omit<ThrownDescription, 'kind'> & { kind?: ThrownDescription['kind'] },
  ): RunEnvelope => {
    const { lines, dropped } = log.counts();
    return {
      ok: false,
      kind: error.kind ?? 'script',
      code: error.code,
      message: error.message,
      line: error.line,
      column: error.column,
      logLines: lines,
      logsDropped: dropped,
      reusable: error.kind !== 'memory' && reusable(),
    };
  };
  const outputError = (code: string, message: string): RunEnvelope =>
    fail({ code, message, line: undefined, column: undefined });

  return async (fn, contextJson, maxOutputChars) => {
    deps.setContext(deepFreeze(JsonParse(contextJson)));
    // Frozen so that a sloppy-mode script cannot keep anything on itself (`arguments.callee.x`).
    if (!ObjectIsFrozen(fn)) ObjectFreeze(fn);
    let value: unknown;
    try {
      value = await (fn as () => unknown)();
    } catch (thrown) {
      return fail(describeThrown(thrown));
    }
    let json: unknown;
    try {
      json = value === undefined ? 'null' : JsonStringify(value);
    } catch (thrown) {
      const reason = describeThrown(thrown).message.split('\n')[0] ?? '';
      return outputError(
        'OUTPUT_NOT_SERIALIZABLE',
        truncate(`Output is not JSON-serialisable: ${reason}`),
      );
    }
    if (typeof json !== 'string') {
      return outputError(
        'OUTPUT_NOT_SERIALIZABLE',
        'Output is not JSON-serialisable: the script returned a function or symbol',
      );
    }
    if (json.length > maxOutputChars) {
      return outputError('OUTPUT_TOO_LARGE', `Output is larger than ${maxOutputChars} bytes`);
    }
    const { lines, dropped } = log.counts();
    return { ok: true, json, logLines: lines, logsDropped: dropped, reusable: reusable() };
  };
}
