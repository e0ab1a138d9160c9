// Entry of the guest bundle, evaluated once per fresh context: `install` builds the globals
// (context, sdk, events, console), hardens the context and returns the entry the host calls.
import { ObjectDefineProperty, ObjectFreeze } from './intrinsics.js';
import { OP_RUN, type HostFunctions, type RawHostFunctions } from './protocol.js';
import { createHostCalls } from './host-calls.js';
import { createLog } from './log.js';
import { createSdk } from './sdk.js';
import { createRunner } from './runner.js';
import { harden } from './harden.js';

export type GuestEntry = (op: number, a: unknown, b: unknown, c: unknown, d: unknown) => unknown;

export function install(
  call: RawHostFunctions['call'],
  log: RawHostFunctions['log'],
  dropped: RawHostFunctions['dropped'],
  token: number,
): GuestEntry {
  const global = globalThis as unknown as Record<string, unknown>;
  const host: HostFunctions = {
    call: (callId, capability, method, argsJson) =>
      call(token, callId, capability, method, argsJson),
    log: (level, message, metadataJson) => log(token, level, message, metadataJson),
    dropped: (count) => dropped(token, count),
  };
  const calls = createHostCalls(host.call);
  const guestLog = createLog(host);
  const { sdk, events } = createSdk(calls.call, guestLog);
  const consoleObject = ObjectFreeze(guestLog.console);
  const run = createRunner(global, guestLog);

  harden(global);
  for (const [name, value] of [
    ['sdk', sdk],
    ['events', events],
    ['console', consoleObject],
  ] as const) {
    ObjectDefineProperty(global, name, { value, enumerable: true });
  }

  return (op, a, b, c, d) => {
    if (op === OP_RUN) return run(a, b as string, c as number);
    calls.settle(a as number, b === true, c as string, d as string);
    return undefined;
  };
}
