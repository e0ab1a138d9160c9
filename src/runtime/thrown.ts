// Describes an error that came out of an isolate (copied by isolated-vm) without leaking host
// detail: only its name, message, an optional code and the script position from its stack.
import { ERROR_CODE_PATTERN, SCRIPT_FILENAME } from './guest/protocol.js';

const MAX_MESSAGE_CHARS = 2000;
const SCRIPT_FRAME = new RegExp(
  `^\\s+at (?:.*[( ])?${SCRIPT_FILENAME.replace(/\./g, '\\.')}:(\\d+):(\\d+)\\)?$`,
);

/** isolated-vm appends ` [file:line:column]` to compile errors. */
const COMPILE_POSITION = new RegExp(
  ` \\[${SCRIPT_FILENAME.replace(/\./g, '\\.')}:(\\d+):(\\d+)\\]$`,
);

export interface HostThrown {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly location: { line?: number; column?: number };
  /** isolated-vm disposed the isolate itself (its memory limit). */
  readonly isolateDisposed: boolean;
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/** First frame in the user's script; host frames after isolated-vm's boundary never match. */
export function scriptLocation(stack: unknown): { line?: number; column?: number } {
  if (typeof stack !== 'string') return {};
  for (const frame of stack.split('\n')) {
    const match = SCRIPT_FRAME.exec(frame);
    if (match) return { line: Number(match[1]), column: Number(match[2]) };
  }
  return {};
}

export function describeHostThrown(thrown: unknown): HostThrown {
  if (!(thrown instanceof Error)) {
    const text = typeof thrown === 'object' && thrown !== null ? 'non-Error value' : String(thrown);
    return {
      name: 'Error',
      code: 'SCRIPT_ERROR',
      message: truncate(`Uncaught ${text}`),
      location: {},
      isolateDisposed: false,
    };
  }
  let message = typeof thrown.message === 'string' ? thrown.message : '';
  const name = typeof thrown.name === 'string' ? thrown.name : 'Error';
  let location = scriptLocation(thrown.stack);
  const compilePosition = COMPILE_POSITION.exec(message);
  if (compilePosition) {
    message = message.slice(0, compilePosition.index);
    location = { line: Number(compilePosition[1]), column: Number(compilePosition[2]) };
  }
  const ownCode: unknown = (thrown as { code?: unknown }).code;
  const code =
    typeof ownCode === 'string' && ERROR_CODE_PATTERN.test(ownCode) ? ownCode : 'SCRIPT_ERROR';
  return {
    name,
    code,
    message: truncate(
      code === 'SCRIPT_ERROR' && name !== 'Error' ? `${name}: ${message}` : message,
    ),
    location,
    isolateDisposed: message.startsWith('Isolate was disposed during execution'),
  };
}
