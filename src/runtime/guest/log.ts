// sdk.log and console: synchronous, never throw, capped per execution (lines and bytes).
import { JsonStringify, StringFn } from './intrinsics.js';
import { MAX_LOG_BYTES, MAX_LOG_LINES, type HostFunctions } from './protocol.js';
import { readString } from './errors.js';

const DEBUG = 0;
const INFO = 1;
const WARN = 2;
const ERROR = 3;

type LogMethod = (message?: unknown, metadata?: unknown) => void;
type ConsoleMethod = (...args: unknown[]) => void;

export interface GuestLog {
  readonly sdkLog: { debug: LogMethod; info: LogMethod; warn: LogMethod; error: LogMethod };
  readonly console: {
    log: ConsoleMethod;
    info: ConsoleMethod;
    warn: ConsoleMethod;
    error: ConsoleMethod;
    debug: ConsoleMethod;
  };
  /** Lines handed to the host so far, and lines dropped over the caps. */
  counts(): { lines: number; dropped: number };
  /** Starts the counts (and caps) over for the next run. */
  reset(): void;
}

/** Text for any value without trusting it: JSON for data, `name: message` for errors. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value !== 'object' && typeof value !== 'function') return StringFn(value);
  const message = readString(value, 'message');
  if (message !== undefined && readString(value, 'stack') !== undefined) {
    const name = readString(value, 'name');
    return name ? `${name}: ${message}` : message;
  }
  try {
    const json: unknown = JsonStringify(value);
    if (typeof json === 'string') return json;
  } catch {
    // fall through: cyclic, BigInt or a throwing getter
  }
  return typeof value === 'function' ? '[function]' : '[object]';
}

export function createLog(host: HostFunctions): GuestLog {
  let lines = 0;
  let bytes = 0;
  let dropped = 0;

  const drop = (): void => {
    dropped++;
    // The host keeps the latest count in case the isolate is disposed before the run ends; a
    // sparse schedule, because a logging loop must not turn into a flood of host callbacks.
    if (dropped === 1 || dropped % (dropped <= 65536 ? 256 : 65536) === 0) host.dropped(dropped);
  };

  const emit = (level: number, message: string, metadataJson: string | undefined): void => {
    // Cheap pre-check in UTF-16 units; the host re-checks exact UTF-8 bytes.
    const size = message.length + (metadataJson === undefined ? 0 : metadataJson.length);
    if (lines >= MAX_LOG_LINES || bytes + size > MAX_LOG_BYTES) {
      drop();
      return;
    }
    lines++;
    bytes += size;
    host.log(level, message, metadataJson);
  };

  const sdkMethod =
    (level: number): LogMethod =>
    (...args: unknown[]) => {
      try {
        let message = toText(args[0]);
        let metadataJson: string | undefined;
        if (args.length > 1 && args[1] !== undefined) {
          try {
            const json: unknown = JsonStringify(args[1]);
            if (typeof json === 'string') metadataJson = json;
          } catch {
            message += ' [metadata is not JSON-serialisable]';
          }
        }
        emit(level, message, metadataJson);
      } catch {
        drop();
      }
    };

  const consoleMethod =
    (level: number): ConsoleMethod =>
    (...args: unknown[]) => {
      try {
        emit(level, args.map(toText).join(' '), undefined);
      } catch {
        drop();
      }
    };

  return {
    sdkLog: {
      debug: sdkMethod(DEBUG),
      info: sdkMethod(INFO),
      warn: sdkMethod(WARN),
      error: sdkMethod(ERROR),
    },
    console: {
      log: consoleMethod(INFO),
      info: consoleMethod(INFO),
      warn: consoleMethod(WARN),
      error: consoleMethod(ERROR),
      debug: consoleMethod(DEBUG),
    },
    counts: () => ({ lines, dropped }),
    reset() {
      lines = 0;
      bytes = 0;
      dropped = 0;
    },
  };
}
