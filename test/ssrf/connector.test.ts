// The guarded undici connector refuses on its own, even when a caller skips the capability's pre-check.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { parseAllowlist } from '../../src/runtime/sdk/http/allowlist.js';
import { createEgressGuard, SsrfBlockedError } from '../../src/runtime/sdk/http/egress-guard.js';
import { createGuardedConnector } from '../../src/runtime/sdk/http/guarded-connector.js';
import { assertOnlyLoopback, stagedLookup } from './fixtures.js';
import { startRecorder } from './recorder.js';
import type { Recorder } from './recorder.js';
import { watchSockets } from './socket-watch.js';
import type { SocketWatch } from './socket-watch.js';

let recorder: Recorder;
let sockets: SocketWatch;

before(async () => {
  recorder = await startRecorder();
  sockets = watchSockets();
});

after(async () => {
  await recorder.close();
  assertOnlyLoopback(sockets);
  sockets.stop();
});

function agentFor(allow: string[], answers: Record<string, () => string[]> = {}): Agent {
  const parsed = parseAllowlist(allow);
  assert.ok(parsed.ok);
  const guard = createEgressGuard({
    allowlist: parsed.allowlist,
    lookup: stagedLookup(answers).lookup,
  });
  return new Agent({ connect: createGuardedConnector({ guard }) });
}

async function refused(agent: Agent, url: string): Promise<SsrfBlockedError> {
  const requestsBefore = recorder.requests.length;
  const socketsBefore = sockets.created();
  let caught: unknown;
  try {
    await request(url, { dispatcher: agent });
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof SsrfBlockedError, `expected SsrfBlockedError, got ${String(caught)}`);
  assert.equal(sockets.created(), socketsBefore);
  assert.equal(recorder.requests.length, requestsBefore);
  return caught;
}

void describe('guarded connector', () => {
  void test('IP literals in URL notations are refused at connect time', async () => {
    const agent = agentFor([]);
    try {
      for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '[::1]', '[::ffff:7f00:1]']) {
        const err = await refused(agent, `http://${host}:${recorder.port}/json`);
        assert.match(err.blocked.reason, /loopback/);
      }
    } finally {
      await agent.close();
    }
  });

  void test('names are refused on any bad answer and connected by checked address otherwise', async () => {
    const agent = agentFor([`127.0.0.1:${recorder.port}`], {
      'good.test': () => ['127.0.0.1'],
      'bad.test': () => ['127.0.0.1', '169.254.169.254'],
    });
    try {
      const err = await refused(agent, `http://bad.test:${recorder.port}/json`);
      assert.equal(err.blocked.address, '169.254.169.254');
      const res = await request(`http://good.test:${recorder.port}/json`, { dispatcher: agent });
      assert.equal(res.statusCode, 200);
      await res.body.dump();
      assert.equal(recorder.requests.at(-1)?.localAddress, '127.0.0.1');
    } finally {
      await agent.close();
    }
  });

  void test('a name with several checked answers falls through to one that accepts', async () => {
    // 127.0.0.3 has no listener (refused), 127.0.0.1 does: both allow-listed, the second serves.
    const agent = agentFor(['127.0.0.0/8'], { 'multi.test': () => ['127.0.0.3', '127.0.0.1'] });
    try {
      const res = await request(`http://multi.test:${recorder.port}/json`, { dispatcher: agent });
      assert.equal(res.statusCode, 200);
      await res.body.dump();
      assert.equal(sockets.connectedTo.at(-1), '127.0.0.1');
    } finally {
      await agent.close();
    }
  });
});
