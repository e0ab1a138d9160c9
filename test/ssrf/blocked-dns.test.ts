// SSRF: names are judged by every address DNS returns, and the connection goes to the address checked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHttpCapability } from '../../src/runtime/sdk/http/http-capability.js';
import type { HttpBlockedInfo } from '../../src/runtime/sdk/http/http-capability.js';
import { assertBlocked, assertOnlyLoopback, ctx, rejectsWith, stagedLookup } from './fixtures.js';
import type { BlockProbe } from './fixtures.js';
import { startRecorder } from './recorder.js';
import type { Recorder } from './recorder.js';
import { watchSockets } from './socket-watch.js';
import type { SocketWatch } from './socket-watch.js';

let recorder: Recorder;
let sockets: SocketWatch;
let probe: BlockProbe;
const blocked: HttpBlockedInfo[] = [];

before(async () => {
  recorder = await startRecorder();
  sockets = watchSockets();
  probe = { recorder, sockets, blocked };
});

after(async () => {
  await recorder.close();
  assertOnlyLoopback(sockets);
  sockets.stop();
});

void describe('names resolving to non-public addresses are SSRF_BLOCKED', () => {
  const dns = stagedLookup({
    'rebind.test': () => ['127.0.0.1'],
    'loop6.test': () => ['::1'],
    'meta.test': () => ['169.254.169.254'],
    'private.test': () => ['192.168.0.10'],
    'mapped.test': () => ['::ffff:192.168.0.1'],
    'nat64.test': () => ['64:ff9b::a9fe:a9fe'],
    // One public-looking answer (allow-listed loopback) hiding a private one: refused as a whole.
    'mixed.test': () => ['127.0.0.1', '10.0.0.1'],
    'garbage.test': () => ['not-an-ip'],
  });

  // Only mixed.test runs with 127.0.0.1 (recorder port) allow-listed, so that nothing but the
  // second, private answer can block it.
  for (const [name, reason] of [
    ['rebind.test', 'loopback'],
    ['loop6.test', 'loopback'],
    ['meta.test', 'link-local'],
    ['private.test', 'private'],
    ['mapped.test', 'IPv4-mapped private'],
    ['nat64.test', 'NAT64 link-local'],
    ['mixed.test', 'private'],
    ['garbage.test', 'not an IP address'],
  ] as const) {
    void test(`${name} → ${reason}`, async () => {
      const http = createHttpCapability({
        allowlist: name === 'mixed.test' ? [`127.0.0.1:${recorder.port}`] : [],
        lookup: dns.lookup,
        onBlocked: (info) => blocked.push(info),
      });
      try {
        const lookupsBefore = dns.calls.length;
        const info = await assertBlocked(probe, () =>
          http.call(ctx(), 'get', [`http://${name}:${recorder.port}/`]),
        );
        assert.equal(info.reason, reason);
        assert.equal(info.hostname, name);
        assert.deepEqual(dns.calls.slice(lookupsBefore), [name], 'resolved exactly once');
      } finally {
        await http.close();
      }
    });
  }

  void test('localhost is refused by name even through the system resolver', async () => {
    const http = createHttpCapability({ onBlocked: (info) => blocked.push(info) });
    try {
      const info = await assertBlocked(probe, () =>
        http.call(ctx(), 'get', [`http://localhost:${recorder.port}/`]),
      );
      assert.equal(info.reason, 'localhost name');
    } finally {
      await http.close();
    }
  });

  void test('an unresolvable name is HTTP_ERROR, not a crash', async () => {
    const http = createHttpCapability({ lookup: dns.lookup });
    try {
      await rejectsWith(
        http.call(ctx(), 'get', ['http://nowhere.test/']),
        'HTTP_ERROR',
        'HTTP request failed - could not resolve host',
      );
    } finally {
      await http.close();
    }
  });
});

void describe('DNS rebinding: the address checked is the address connected to', () => {
  void test('a name that flips between an allowed and a blocked address', async () => {
    // First answer: the allow-listed 127.0.0.1. Every later answer: 127.0.0.2, where the recorder
    // also listens. An implementation that checks one lookup and connects after another would
    // land on 127.0.0.2; ours resolves once per connection and connects to that very address.
    let answers = 0;
    const dns = stagedLookup({ 'flip.test': () => [answers++ === 0 ? '127.0.0.1' : '127.0.0.2'] });
    const http = createHttpCapability({
      allowlist: [`127.0.0.1:${recorder.port}`],
      lookup: dns.lookup,
      onBlocked: (info) => blocked.push(info),
    });
    try {
      const start = recorder.requests.length;
      const ok = await http.call(ctx(), 'get', [`http://flip.test:${recorder.port}/json`]);
      assert.deepEqual((ok as { body: unknown }).body, { hello: 'world', n: 1 });
      assert.equal(dns.calls.length, 1, 'one lookup for one connection');
      const seen = recorder.requests.slice(start);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.localAddress, '127.0.0.1', 'connected to the checked address');
      assert.equal(seen[0]?.headers.host, `flip.test:${recorder.port}`, 'Host is still the name');

      // The recorder closes every connection, so the next call resolves again and gets 127.0.0.2.
      const info = await assertBlocked(probe, () =>
        http.call(ctx(), 'get', [`http://flip.test:${recorder.port}/json`]),
      );
      assert.equal(info.address, '127.0.0.2');
      assert.equal(dns.calls.length, 2);
      assert.ok(
        recorder.requests.every((r) => r.localAddress !== '127.0.0.2'),
        '127.0.0.2 never reached',
      );
    } finally {
      await http.close();
    }
  });
});
