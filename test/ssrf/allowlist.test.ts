// The operator allow-list opens exactly the hosts, addresses, CIDRs and ports it names — nothing else.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHttpCapability } from '../../src/runtime/sdk/http/http-capability.js';
import type {
  HttpBlockedInfo,
  HttpCapabilityOptions,
} from '../../src/runtime/sdk/http/http-capability.js';
import type { HttpResponse } from '../../src/runtime/sdk/http/read-response.js';
import { assertBlocked, assertOnlyLoopback, ctx, stagedLookup } from './fixtures.js';
import type { BlockProbe } from './fixtures.js';
import { startRecorder } from './recorder.js';
import type { Recorder } from './recorder.js';
import { watchSockets } from './socket-watch.js';
import type { SocketWatch } from './socket-watch.js';

let recorder: Recorder;
let other: Recorder; // a second server on another port of 127.0.0.1
let sockets: SocketWatch;
let probe: BlockProbe;
const blocked: HttpBlockedInfo[] = [];

before(async () => {
  recorder = await startRecorder();
  other = await startRecorder();
  sockets = watchSockets();
  probe = { recorder, sockets, blocked };
});

after(async () => {
  await recorder.close();
  await other.close();
  assertOnlyLoopback(sockets);
  sockets.stop();
});

const dns = stagedLookup({
  'api.test': () => ['127.0.0.1'],
  'other.test': () => ['127.0.0.1'],
  'a.svc.test': () => ['127.0.0.1'],
  'svc.test': () => ['127.0.0.1'],
});

async function withHttp(
  allowlist: string[],
  fn: (call: (url: string) => Promise<HttpResponse>) => Promise<void>,
  extra: Partial<HttpCapabilityOptions> = {},
): Promise<void> {
  const http = createHttpCapability({
    allowlist,
    lookup: dns.lookup,
    onBlocked: (info) => blocked.push(info),
    ...extra,
  });
  try {
    await fn(async (url) => (await http.call(ctx(), 'get', [url])) as HttpResponse);
  } finally {
    await http.close();
  }
}

async function reaches(call: (url: string) => Promise<HttpResponse>, url: string): Promise<void> {
  const start = recorder.requests.length;
  const res = await call(url);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { hello: 'world', n: 1 });
  assert.equal(recorder.requests.length - start, 1, 'the request reached the recorder');
  assert.equal(recorder.requests.at(-1)?.localAddress, '127.0.0.1');
}

void describe('allow-list', () => {
  void test('127.0.0.1 lets the test server through; 127.0.0.2 stays blocked', async () => {
    await withHttp(['127.0.0.1'], async (call) => {
      await reaches(call, recorder.url('/json'));
      const info = await assertBlocked(probe, () => call(recorder.url('/json', '127.0.0.2')));
      assert.equal(info.address, '127.0.0.2');
      // Another notation of the same allowed address is the same address.
      await reaches(call, `http://2130706433:${recorder.port}/json`);
    });
  });

  void test('127.0.0.1:<port> opens that port only', async () => {
    await withHttp([`127.0.0.1:${recorder.port}`], async (call) => {
      await reaches(call, recorder.url('/json'));
      const otherBefore = other.requests.length;
      await assertBlocked(probe, () => call(other.url('/json')));
      assert.equal(other.requests.length, otherBefore);
    });
  });

  void test('a CIDR opens its range only', async () => {
    await withHttp(['127.0.0.0/31'], async (call) => {
      await reaches(call, recorder.url('/json'));
      await assertBlocked(probe, () => call(recorder.url('/json', '127.0.0.2')));
      await assertBlocked(probe, () => call('http://10.0.0.1/'));
    });
  });

  void test('a host name opens that name, not its address or its neighbours', async () => {
    await withHttp([`api.test:${recorder.port}`], async (call) => {
      await reaches(call, `http://api.test:${recorder.port}/json`);
      await reaches(call, `http://API.test.:${recorder.port}/json`);
      await assertBlocked(probe, () => call(`http://other.test:${recorder.port}/json`));
      await assertBlocked(probe, () => call(recorder.url('/json')));
      await assertBlocked(probe, () => call(`http://api.test:${other.port}/json`));
    });
  });

  void test('*.suffix opens sub-domains but not the suffix itself', async () => {
    await withHttp(['*.svc.test'], async (call) => {
      await reaches(call, `http://a.svc.test:${recorder.port}/json`);
      await assertBlocked(probe, () => call(`http://svc.test:${recorder.port}/json`));
    });
  });

  void test('an allow-listed localhost reaches the server through the system resolver', async () => {
    // No staged DNS here: the real resolver answers 127.0.0.1 and/or ::1 (the recorder has both
    // when the machine has IPv6 loopback), and every answer is an allowed name.
    const http = createHttpCapability({ allowlist: [`localhost:${recorder.port}`] });
    try {
      const start = recorder.requests.length;
      const res = (await http.call(ctx(), 'get', [
        `http://localhost:${recorder.port}/json`,
      ])) as HttpResponse;
      assert.equal(res.status, 200);
      assert.equal(recorder.requests.length - start, 1);
    } finally {
      await http.close();
    }
  });

  void test('an empty allow-list opens nothing private', async () => {
    await withHttp([], async (call) => {
      await assertBlocked(probe, () => call(recorder.url('/json')));
    });
  });

  void test('invalid entries are refused at construction', () => {
    for (const entry of ['10.0.0.0/33', 'bad host!', '127.0.0.1:99999', '[::1', '127.1']) {
      assert.throws(() => createHttpCapability({ allowlist: [entry] }), /Invalid HTTP allow-list/);
    }
  });
});

void describe('connections the allow-list opens still go only where it says', () => {
  void test('a server that is not allow-listed but listening is never contacted', async () => {
    // Positive control for the whole suite: the same call succeeds once the address is allowed,
    // so the blocked attempts above would have been recorded had they leaked.
    const server = createServer((_req, res) => res.end('leak'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    let hits = 0;
    server.on('request', () => hits++);
    try {
      await withHttp([], async (call) => {
        await assertBlocked(probe, () => call(`http://127.0.0.1:${port}/`));
      });
      assert.equal(hits, 0);
      await withHttp([`127.0.0.1:${port}`], async (call) => {
        assert.equal((await call(`http://127.0.0.1:${port}/`)).body, 'leak');
      });
      assert.equal(hits, 1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
