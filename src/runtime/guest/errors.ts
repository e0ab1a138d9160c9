// Guest-side errors: SDK errors carrying a code, and a safe description of whatever a script threw.
import {
  ErrorCtor,
  NumberFn,
  ReflectGetOwnPropertyDescriptor,
  ReflectGetPrototypeOf,
  RegExpCtor,
  StringFn,
  WeakSetCtor,
} from './intrinsics.js';
import { ERROR_CODE_PATTERN, GUEST_FILENAME, SCRIPT_FILENAME } from './protocol.js';
import { isTrustedGetter } from './harden.js';

const MAX_MESSAGE_CHARS = 2000;
const sdkErrors = new WeakSetCtor<object>();

/** Stack frame that points into the user's script: `at f (script.js:3:7)` or `at script.js:3:7`. */
const SCRIPT_FRAME = new RegExpCtor(
  `^\\s+at (?:.*[( ])?${SCRIPT_FILENAME.replace(/\./g, '\\.')}:(\\d+):(\\d+)\\)?$`,
);

export interface ThrownDescription {
  readonly kind: 'script' | 'sdk' | 'memory';
  readonly code: string;
  readonly message: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
}

/**
 * An SDK failure as the script sees it: a plain Error with `code`. `site` is an Error captured
 * where the script made the call, so the stack (and the recorded line) points at the script.
 */
export function sdkError(code: string, message: string, site: Error | undefined): Error {
  const err = new ErrorCtor(message) as Error & { code?: string };
  err.code = code;
  if (site) {
    const frames = (readString(site, 'stack') ?? '')
      .split('\n')
      .slice(1)
      .filter((line) => !line.includes(GUEST_FILENAME));
    if (frames.length > 0) err.stack = `Error: ${message}\n${frames.join('\n')}`;
  }
  sdkErrors.add(err);
  return err;
}

/**
 * Reads a string-valued data property along the prototype chain without running user getters
 * (Proxy traps still run: they are bounded by the execution's time limit like any user code).
 */
export function readString(value: object, key: string): string | undefined {
  let target: object | null = value;
  for (let depth = 0; target !== null && depth < 32; depth++) {
    const desc = ReflectGetOwnPropertyDescriptor(target, key);
    if (desc) {
      const found: unknown =
        'value' in desc ? desc.value : isTrustedGetter(desc.get) ? desc.get!() : undefined;
      return typeof found === 'string' ? found : undefined;
    }
    target = ReflectGetPrototypeOf(target);
  }
  return undefined;
}

export function truncate(text: string, max = MAX_MESSAGE_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Line and column of the first stack frame inside the user's script (compiled-code positions). */
export function locate(stack: string | undefined): {
  line: number | undefined;
  column: number | undefined;
} {
  if (stack !== undefined) {
    for (const frame of stack.split('\n')) {
      const match = SCRIPT_FRAME.exec(frame);
      if (match) return { line: NumberFn(match[1]), column: NumberFn(match[2]) };
    }
  }
  return { line: undefined, column: undefined };
}

/** Never calls toString/valueOf of a thrown object: a hostile one could loop or throw again. */
export function describeThrown(thrown: unknown): ThrownDescription {
  if ((typeof thrown !== 'object' || thrown === null) && typeof thrown !== 'function') {
    return {
      kind: 'script',
      code: 'SCRIPT_ERROR',
      message: truncate(`Uncaught ${StringFn(thrown)}`),
      line: undefined,
      column: undefined,
    };
  }
  const value = thrown as object;
  const name = readString(value, 'name');
  const message = readString(value, 'message');
  const code = readString(value, 'code');
  const { line, column } = locate(readString(value, 'stack'));
  if (
    name === 'RangeError' &&
    (message === 'Array buffer allocation failed' || message === 'Invalid string length')
  ) {
    return { kind: 'memory', code: 'MEMORY_LIMIT', message: 'Memory limit exceeded', line, column };
  }
  if (message === undefined) {
    return {
      kind: 'script',
      code: 'SCRIPT_ERROR',
      message: 'Uncaught non-Error value',
      line,
      column,
    };
  }
  if (code !== undefined && ERROR_CODE_PATTERN.test(code)) {
    const kind = sdkErrors.has(value) ? 'sdk' : 'script';
    return { kind, code, message: truncate(message), line, column };
  }
  const text = name && name !== 'Error' ? `${name}: ${message}` : message;
  return { kind: 'script', code: 'SCRIPT_ERROR', message: truncate(text), line, column };
}
