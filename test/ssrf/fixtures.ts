// Shared pieces of the SSRF suite: a call context, a blocked-call assertion, a staged DNS.
import assert from 'node:assert/strict';
import type { ResolvedAddress } from '../../src/runtime/sdk/http/egress-guard.js';
import type { HttpBlockedInfo } from '../../src/runtime/sdk/http/http-capability.js';
import { SSRF_MESSAGE } from '../../src/runtime/sdk/http/http-capability.js';
import { SdkError } from '../../src/runtime/sdk/sdk-error.js';
import type { SdkCallContext } from '../../src/runtime/sdk/types.js';
import type { Recorder } from './recorder.js';
import type { SocketWatch } from './socket-watch.js';

export function ctx(overrides: Partial<SdkCallContext> = {}): SdkCallContext {
  return {
    tenantId: 'tenant-a',
    scriptId: 'script-1',
    executionId: 'exec-1',
    userId: null,
    organizationId: null,
    deadline: Date.now() + 30_000,
    chainDepth: 0,
    ...overrides,
  };
}

/** Asserts a rejection with an SdkError of this code (and message, when given). */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  message?: string | RegExp,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof SdkError, `expected SdkError, got ${String(err)}`);
    assert.equal(err.code, code, `code (message: ${err.message})`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

export interface BlockProbe {
  readonly recorder: Recorder;
  readonly sockets: SocketWatch;
  readonly blocked: HttpBlockedInfo[];
}

/**
 * Runs a call that must be refused: SSRF_BLOCKED with the exact message, one onBlocked report, no
 * request reached the recorder and — unless `socketsAllowed` — no socket was even created.
 */
export async function assertBlocked(
  probe: BlockProbe,
  call: () => Promise<unknown>,
  { socketsAllowed = false }: { socketsAllowed?: boolean } = {},
): Promise<HttpBlockedInfo> {
  const requestsBefore = probe.recorder.requests.length;
  const socketsBefore = probe.sockets.created();
  const blockedBefore = probe.blocked.length;
  await rejectsWith(call(), 'SSRF_BLOCKED', SSRF_MESSAGE);
  assert.equal(probe.blocked.length, blockedBefore + 1, 'onBlocked called exactly once');
  if (!socketsAllowed) {
    assert.equal(probe.sockets.created(), socketsBefore, 'no socket opened for a blocked call');
    assert.equal(probe.recorder.requests.length, requestsBefore, 'the server saw nothing');
  }
  const info = probe.blocked.at(-1);
  assert.ok(info);
  return info;
}

/** A staged DNS: answers per name, counting every lookup. */
export function stagedLookup(answers: Record<string, () => string[]>): {
  lookup: (hostname: string) => Promise<ResolvedAddress[]>;
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    lookup: async (hostname) => {
      calls.push(hostname);
      // Like a real resolver, a trailing root dot names the same host.
      const answer = answers[hostname.replace(/\.$/, '')];
      if (!answer) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return answer().map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
}

/** After a suite: nothing tried to leave loopback (the safety net refused no target). */
export function assertOnlyLoopback(sockets: SocketWatch): void {
  assert.deepEqual(sockets.refused, [], 'connect attempts to non-loopback targets');
  for (const target of sockets.connectedTo) {
    assert.ok(['127.0.0.1', '127.0.0.2', '127.0.0.3', '::1'].includes(target), target);
  }
}
