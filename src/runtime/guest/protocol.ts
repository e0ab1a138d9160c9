// Shapes shared by the guest bundle and the sandbox worker (no Node or isolate types here).

/** Filename the user's compiled code is given inside the isolate; stack frames name it. */
export const SCRIPT_FILENAME = 'script.js';
/** Filename of the guest bootstrap bundle inside the isolate. */
export const GUEST_FILENAME = 'jsruntime-sdk.js';

/** Per-execution log caps (SPEC §4 sdk.log). */
export const MAX_LOG_LINES = 1000;
export const MAX_LOG_BYTES = 1024 * 1024;

/**
 * SDK calls one execution may start. The supervisor's dispatcher enforces the real cap (100);
 * this bound only keeps a runaway script from flooding the worker with host callbacks.
 */
export const MAX_SDK_CALLS_PER_RUN = 1000;
/**
 * JSON text of one SDK call's arguments (UTF-16 units): above the largest argument a capability
 * takes (a 10 MB http body).
 */
export const MAX_SDK_ARGS_CHARS = 12 * 1024 * 1024;
/**
 * Argument text of the calls of one run still in flight: un-awaited calls with big arguments
 * must not pile up in the worker faster than the supervisor takes them.
 */
export const MAX_SDK_IN_FLIGHT_CHARS = 24 * 1024 * 1024;
export const API_CALL_LIMIT_MESSAGE =
  'API call limit exceeded - at most 100 SDK calls per execution';

/** Log levels by index, as sent from the guest to the host. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Error codes scripts may carry on a thrown Error (`err.code`) and keep in the execution record. */
export const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,40}$/;

/**
 * Host functions handed to `install` (isolated-vm Callbacks in "ignored" mode: they return nothing
 * and never throw into the guest, so nothing can reject across the isolate boundary). Each takes
 * the run's token first (given with OP_RUN): the host drops calls made for any run but the
 * current one.
 */
export interface RawHostFunctions {
  readonly call: (
    token: number,
    callId: number,
    capability: string,
    method: string,
    argsJson: string,
  ) => void;
  readonly log: (
    token: number,
    level: number,
    message: string,
    metadataJson: string | undefined,
  ) => void;
  readonly dropped: (token: number, count: number) => void;
}

/** The host functions as the guest modules use them, the token already applied. */
export interface HostFunctions {
  /** Starts SDK call `callId`; the host later settles it through the entry function (OP_SETTLE). */
  readonly call: (callId: number, capability: string, method: string, argsJson: string) => void;
  /** One accepted log line; metadataJson is undefined when the line has no metadata. */
  readonly log: (level: number, message: string, metadataJson: string | undefined) => void;
  /** Running count of log lines the guest dropped over the caps (sent every so often). */
  readonly dropped: (count: number) => void;
}

export const OP_RUN = 0;
export const OP_SETTLE = 1;

/** What the runner resolves with; line/column are positions in the compiled code (1-based). */
export type RunEnvelope =
  | {
      readonly ok: true;
      readonly json: string;
      readonly logLines: number;
      readonly logsDropped: number;
    }
  | {
      readonly ok: false;
      readonly kind: 'script' | 'sdk' | 'memory';
      readonly code: string;
      readonly message: string;
      readonly line: number | undefined;
      readonly column: number | undefined;
      readonly logLines: number;
      readonly logsDropped: number;
    };

/**
 * OP_RUN's answer when an earlier run in this context left something behind (an SDK call in
 * flight, a change to the global object — possibly made after its result was in): nothing ran,
 * and the host runs the script again in a fresh context.
 */
export interface ContextChanged {
  readonly contextChanged: true;
}
