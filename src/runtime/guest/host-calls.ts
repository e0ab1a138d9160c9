// SDK calls from the guest: a promise per call, settled later by the host through the entry function.
import {
  ErrorCtor,
  JsonParse,
  JsonStringify,
  MapCtor,
  PromiseCtor,
  rejected,
} from './intrinsics.js';
import {
  API_CALL_LIMIT_MESSAGE,
  MAX_SDK_ARGS_CHARS,
  MAX_SDK_CALLS_PER_RUN,
  MAX_SDK_IN_FLIGHT_CHARS,
  type HostFunctions,
} from './protocol.js';
import { sdkError } from './errors.js';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  readonly site: Error;
  /** Length of the arguments' JSON text (counted in inFlightChars until settled). */
  readonly size: number;
}

export type SdkCaller = (
  capability: string,
  method: string,
  args: unknown[],
  required?: number,
) => Promise<unknown>;

export interface HostCalls {
  readonly call: SdkCaller;
  /** ok → a is the value as JSON ('' for undefined); failed → a is the code, b the message. */
  readonly settle: (callId: number, ok: boolean, a: string, b: string) => void;
  /** Calls started and not settled yet. */
  readonly pending: () => number;
  /**
   * The run's result is in: calls started from now on (promise reactions running late) are
   * refused here and never reach the host, so they cannot act after the execution ended.
   */
  readonly end: () => void;
  /** Forgets unsettled calls and starts the per-run count over (their promises never settle). */
  readonly reset: () => void;
}

export function createHostCalls(hostCall: HostFunctions['call']): HostCalls {
  const pending = new MapCtor<number, Pending>();
  let nextId = 0;
  let ended = false;
  let inFlightChars = 0;

  const call: SdkCaller = (capability, method, args, required = 0) => {
    // Captured now so an uncaught SDK error reports the script line that made the call.
    const site = new ErrorCtor();
    if (ended) return rejected(sdkError('SDK_ERROR', 'The execution has ended', site));
    if (nextId >= MAX_SDK_CALLS_PER_RUN) {
      // Answered here: a loop of un-awaited calls must not turn into a flood of host callbacks.
      return rejected(sdkError('API_CALL_LIMIT', API_CALL_LIMIT_MESSAGE, site));
    }
    let end = args.length;
    while (end > required && args[end - 1] === undefined) end--;
    let argsJson: string | undefined;
    try {
      argsJson = JsonStringify(args.slice(0, end));
    } catch {
      argsJson = undefined;
    }
    if (typeof argsJson !== 'string') {
      return rejected(sdkError('SDK_ERROR', 'SDK call arguments must be JSON-serialisable', site));
    }
    const json = argsJson;
    if (json.length > MAX_SDK_ARGS_CHARS) {
      return rejected(
        sdkError('SDK_ERROR', 'SDK call arguments are too large (over 12 MB of JSON)', site),
      );
    }
    if (inFlightChars + json.length > MAX_SDK_IN_FLIGHT_CHARS) {
      return rejected(
        sdkError(
          'SDK_ERROR',
          'Too much SDK call data in flight (over 24 MB) - await earlier calls first',
          site,
        ),
      );
    }
    return new PromiseCtor((resolve, reject) => {
      const id = ++nextId;
      inFlightChars += json.length;
      pending.set(id, { resolve, reject, site, size: json.length });
      hostCall(id, capability, method, json);
    });
  };

  const settle: HostCalls['settle'] = (callId, ok, a, b) => {
    const entry = pending.get(callId);
    if (!entry) return;
    pending.delete(callId);
    inFlightChars -= entry.size;
    if (!ok) {
      entry.reject(sdkError(a, b, entry.site));
      return;
    }
    let value: unknown;
    try {
      value = a === '' ? undefined : (JsonParse(a) as unknown);
    } catch {
      entry.reject(sdkError('SDK_ERROR', 'Internal SDK error', entry.site));
      return;
    }
    entry.resolve(value);
  };

  return {
    call,
    settle,
    pending: () => pending.size,
    end() {
      ended = true;
    },
    reset() {
      pending.clear();
      nextId = 0;
      ended = false;
      inFlightChars = 0;
    },
  };
}
