// Entry of the guest bundle, evaluated once per context: `install` builds the globals (context,
// sdk, events, console), hardens the context and returns the entry the host calls for every run
// in this context, one run at a time.
//
// A context serves the next run of its script only if the runs before left nothing behind: no
// SDK call in flight and the global object exactly as install() left it (everything else a
// script can reach is frozen). That is checked when the next run starts, not when a run ends:
// promise reactions queued by a run may still execute after its result is in, and only once the
// isolate picks up the next task are they all done.
import { ObjectDefineProperty, PromiseCtor } from './intrinsics.js';
import {
  OP_RUN,
  type ContextChanged,
  type HostFunctions,
  type RawHostFunctions,
} from './protocol.js';
import { createHostCalls } from './host-calls.js';
import { createLog } from './log.js';
import { createSdk } from './sdk.js';
import { createRunner } from './runner.js';
import { harden, snapshotGlobals } from './harden.js';
import { createRandom } from './random.js';

export type GuestEntry = (
  op: number,
  a: unknown,
  b: unknown,
  c: unknown,
  d: unknown,
  e: unknown,
) => unknown;

const CONTEXT_CHANGED: ContextChanged = { contextChanged: true };

export function install(
  call: RawHostFunctions['call'],
  log: RawHostFunctions['log'],
  dropped: RawHostFunctions['dropped'],
): GuestEntry {
  const global = globalThis as unknown as Record<string, unknown>;
  /** The current run's token: calls left over from an earlier run carry an old one. */
  let token = 0;
  const host: HostFunctions = {
    call: (callId, capability, method, argsJson) =>
      call(token, callId, capability, method, argsJson),
    log: (level, message, metadataJson) => log(token, level, message, metadataJson),
    dropped: (count) => dropped(token, count),
  };
  const calls = createHostCalls(host.call);
  const guestLog = createLog(host);
  const { sdk, events } = createSdk(calls.call, guestLog);
  let current: unknown = null;
  const random = createRandom();
  ObjectDefineProperty(global['Math'], 'random', { value: random.random });
  harden(global, {
    context: { get: () => current, enumerable: true },
    sdk: { value: sdk, enumerable: true },
    events: { value: events, enumerable: true },
    console: { value: guestLog.console, enumerable: true },
  });
  const globals = snapshotGlobals(global);
  const run = createRunner(
    guestLog,
    (value) => {
      current = value;
    },
    calls.end,
  );

  // OP_RUN: a = script function, b = context JSON, c = output cap, d = run token, e = 128-bit
  // Math.random seed (hex). OP_SETTLE: a = call id, b = ok, c/d = value JSON or code/message.
  return (op, a, b, c, d, e) => {
    if (op === OP_RUN) {
      if (calls.pending() > 0 || !globals.unchanged()) {
        return new PromiseCtor((resolve) => resolve(CONTEXT_CHANGED));
      }
      token = d as number;
      random.reseed(e as string);
      calls.reset();
      guestLog.reset();
      return run(a, b as string, c as number);
    }
    calls.settle(a as number, b === true, c as string, d as string);
    return undefined;
  };
}
