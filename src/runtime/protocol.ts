// IPC messages between the supervisor (main process) and sandbox worker processes.
import type { ExecutionError, ExecutionMetrics, LogLine } from './outcome.js';
import type { RunLimits } from './run-request.js';

export interface WorkerInit {
  /** The guest bootstrap bundle (see guest-source.ts). */
  readonly guestSource: string;
  readonly maxIsolates: number;
  /** Heap idle isolates may hold together (see IsolatePoolOptions). */
  readonly idleHeapBudgetBytes: number;
}

/** A run as the worker needs it: no source map, no line offset (mapping happens in the supervisor). */
export interface WorkerRun {
  readonly scriptId: string;
  readonly version: number;
  readonly code: string;
  readonly limits: RunLimits;
  /** The `context` global, already JSON-encoded by the supervisor. */
  readonly contextJson: string;
}

/** An SDK result on the wire: the value as JSON text ('' for undefined). */
export type WireSdkResult =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Errors carry positions in the compiled code; the supervisor maps them to the user's source.
 * `contextRuns`: runs the context had served before this one (0 = a fresh context).
 */
export type RawOutcome = (
  | {
      readonly ok: true;
      readonly json: string;
      readonly logs: LogLine[];
      readonly logsDropped: number;
      readonly metrics: ExecutionMetrics;
    }
  | {
      readonly ok: false;
      readonly error: ExecutionError;
      readonly logs: LogLine[];
      readonly logsDropped: number;
      readonly metrics: ExecutionMetrics;
    }
) & { readonly contextRuns?: number };

/**
 * Messages sent in the same turn of the event loop travel as one batch: one IPC write instead of
 * one per message (a write costs more than serialising a small message).
 */
export interface Batch<M> {
  readonly t: 'batch';
  readonly messages: readonly M[];
}

export type ToWorker =
  | { readonly t: 'init'; readonly init: WorkerInit }
  | { readonly t: 'run'; readonly id: number; readonly run: WorkerRun }
  | {
      readonly t: 'sdk-result';
      readonly id: number;
      readonly callId: number;
      readonly result: WireSdkResult;
    }
  | { readonly t: 'cancel'; readonly id: number };

export interface WorkerHealth {
  readonly rss: number;
  readonly isolates: number;
}

export type FromWorker =
  | { readonly t: 'hello' }
  | { readonly t: 'ready' }
  | {
      readonly t: 'sdk';
      readonly id: number;
      readonly callId: number;
      readonly capability: string;
      readonly method: string;
      readonly argsJson: string;
    }
  | { readonly t: 'done'; readonly id: number; readonly outcome: RawOutcome }
  | { readonly t: 'heartbeat'; readonly health: WorkerHealth };
