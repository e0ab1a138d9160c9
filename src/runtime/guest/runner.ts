// Runs the script function in the prepared context and turns its result into a RunEnvelope.
import {
  JsonParse,
  JsonStringify,
  ObjectFreeze,
  ObjectIsFrozen,
  ObjectKeys,
} from './intrinsics.js';
import type { RunEnvelope } from './protocol.js';
import type { GuestLog } from './log.js';
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

/**
 * `end` is called as soon as the script function has settled: what runs after that (late promise
 * reactions, the output's toJSON) may no longer start SDK calls.
 */
export function createRunner(
  log: GuestLog,
  setContext: (value: unknown) => void,
  end: () => void,
): Runner {
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
    };
  };
  const outputError = (code: string, message: string): RunEnvelope =>
    fail({ code, message, line: undefined, column: undefined });

  return async (fn, contextJson, maxOutputChars) => {
    setContext(deepFreeze(JsonParse(contextJson)));
    // Frozen so that a sloppy-mode script cannot keep anything on itself (`arguments.callee.x`).
    if (!ObjectIsFrozen(fn)) ObjectFreeze(fn);
    let value: unknown;
    try {
      value = await (fn as () => unknown)();
    } catch (thrown) {
      end();
      return fail(describeThrown(thrown));
    }
    end();
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
    return { ok: true, json, logLines: lines, logsDropped: dropped };
  };
}
