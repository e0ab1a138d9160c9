// Contracts between the sandbox (guest calls arriving over IPC) and the SDK capabilities.

export type CapabilityName = 'http' | 'db' | 'cache' | 'events';

export interface SdkCall {
  readonly capability: CapabilityName;
  readonly method: string;
  readonly args: unknown[];
}

export type SdkResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Runs one guest SDK call in the main process. Never rejects. */
export type SdkHandler = (call: SdkCall) => Promise<SdkResult>;

/** Who is calling: fixed for the whole execution. */
export interface SdkCallContext {
  readonly tenantId: string;
  readonly scriptId: string;
  readonly executionId: string;
  readonly userId: number | null;
  readonly organizationId: string | null;
  /** Epoch milliseconds when the execution's time limit ends. */
  readonly deadline: number;
  /** Depth of the event chain that led to this execution (0 for non-event triggers). */
  readonly chainDepth: number;
  /**
   * Aborted when the execution's SDK is released (set by the dispatcher). The dispatcher refuses
   * calls after that point; a capability that awaits anything before its side effect checks it
   * again there (db after connecting) or passes it on (http aborts a request in flight).
   */
  readonly ended?: AbortSignal;
}

export interface Capability {
  readonly name: CapabilityName;
  /** Calls per minute per script for this capability (SPEC §4). */
  readonly perMinuteLimit: number;
  /** Throws SdkError for expected failures; anything else is a bug. */
  call(ctx: SdkCallContext, method: string, args: unknown[]): Promise<unknown>;
  /** End of an execution: roll back open transactions, free resources. */
  release?(ctx: SdkCallContext): Promise<void>;
}
