// SSRF through redirects: every hop is re-checked; method, body and credential rules; the 10-hop limit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHttpCapability } from '../../src/runtime/sdk/http/http-capability.js';
import type {
  HttpBlockedInfo,
  HttpCapability,
} from '../../src/runtime/sdk/http/http-capability.js';
import type { HttpResponse } from '../../src/runtime/sdk/http/read-response.js';
import { assertBlocked, assertOnlyLoopback, ctx, rejectsWith, stagedLookup } from './fixtures.js';
import type { BlockProbe } from './fixtures.js';
import { startRecorder } from './recorder.js';
import type { Recorder } from './recorder.js';
import { watchSockets } from './socket-watch.js';
import type { SocketWatch } from './socket-watch.js';

let recorder: Recorder;
let sockets: SocketWatch;
let http: HttpCapability;
let probe: BlockProbe;
const blocked: HttpBlockedInfo[] = [];

before(async () => {
  recorder = await startRecorder();
  sockets = watchSockets();
  const dns = stagedLookup({
    'ok.test': () => ['127.0.0.1'],
    'evil.test': () => ['10.0.0.1'],
  });
  // Only the recorder on 127.0.0.1 is reachable; everything below is about where redirects go.
  http = createHttpCapability({
    allowlist: [`127.0.0.1:${recorder.port}`],
    lookup: dns.lookup,
    onBlocked: (info) => blocked.push(info),
  });
  probe = { recorder, sockets, blocked };
});

after(async () => {
  await http.close();
  await recorder.close();
  assertOnlyLoopback(sockets);
  sockets.stop();
});

const redirectTo = (to: string, status = 302): string =>
  recorder.url(`/redirect?status=${status}&to=${encodeURIComponent(to)}`);

void describe('redirect targets are re-checked', () => {
  for (const [label, target, reason] of [
    [
      'to 127.0.0.2 (same port, not allow-listed)',
      () => recorder.url('/json', '127.0.0.2'),
      'loopback',
    ],
    ['to hex 0x7f.0.0.2', () => recorder.url('/json', '0x7f.0.0.2'), 'loopback'],
    ['to [::1]', () => recorder.url('/json', '[::1]'), 'loopback'],
    ['to localhost', () => recorder.url('/json', 'localhost'), 'localhost name'],
    ['to cloud metadata', () => 'http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['to a private network', () => 'http://10.1.2.3:8080/admin', 'private'],
    ['to a name resolving privately', () => 'http://evil.test/', 'private'],
    ['with 307 to metadata', () => 'http://169.254.169.254/', 'link-local'],
  ] as const) {
    void test(label, async () => {
      const start = recorder.requests.length;
      const status = label.includes('307') ? 307 : 302;
      const info = await assertBlocked(
        probe,
        () => http.call(ctx(), 'get', [redirectTo(target(), status)]),
        { socketsAllowed: true }, // the first, allowed hop does connect
      );
      assert.equal(info.reason, reason);
      const seen = recorder.requests.slice(start);
      assert.equal(seen.length, 1, 'only the allowed first hop reached a server');
      assert.equal(seen[0]?.localAddress, '127.0.0.1');
      assert.ok(seen[0]?.url.startsWith('/redirect'));
    });
  }

  void test('a redirect to file: is INVALID_URL', async () => {
    await rejectsWith(
      http.call(ctx(), 'get', [redirectTo('file:///etc/passwd')]),
      'INVALID_URL',
      /only http: and https:/,
    );
  });

  void test('an unparseable Location is HTTP_ERROR', async () => {
    await rejectsWith(
      http.call(ctx(), 'get', [redirectTo('http://[oops')]),
      'HTTP_ERROR',
      'HTTP request failed - invalid redirect location',
    );
  });

  void test('a relative redirect stays on the allowed origin', async () => {
    const res = (await http.call(ctx(), 'get', [redirectTo('/json')])) as HttpResponse;
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { hello: 'world', n: 1 });
  });
});

void describe('redirect semantics', () => {
  void test('303 turns POST into GET without body', async () => {
    const res = (await http.call(ctx(), 'post', [
      redirectTo('/echo', 303),
      { secret: 1 },
    ])) as HttpResponse;
    const echo = res.body as { method: string; body: string; headers: Record<string, string> };
    assert.equal(echo.method, 'GET');
    assert.equal(echo.body, '');
    assert.equal(echo.headers['content-type'], undefined);
  });

  void test('302 turns PUT into GET', async () => {
    const res = (await http.call(ctx(), 'put', [redirectTo('/echo', 302), 'x'])) as HttpResponse;
    assert.equal((res.body as { method: string }).method, 'GET');
  });

  void test('307 and 308 repeat the method and body', async () => {
    for (const status of [307, 308]) {
      const res = (await http.call(ctx(), 'post', [
        redirectTo('/echo', status),
        { a: status },
      ])) as HttpResponse;
      const echo = res.body as { method: string; body: string; headers: Record<string, string> };
      assert.equal(echo.method, 'POST');
      assert.deepEqual(JSON.parse(echo.body), { a: status });
      assert.equal(echo.headers['content-type'], 'application/json');
    }
  });

  void test('credentials survive a same-origin redirect and are dropped cross-origin', async () => {
    const headers = { authorization: 'Bearer s3cret', cookie: 'sid=1', 'x-keep': 'yes' };
    const same = (await http.call(ctx(), 'get', [
      redirectTo('/echo'),
      { headers },
    ])) as HttpResponse;
    const sameHeaders = (same.body as { headers: Record<string, string> }).headers;
    assert.equal(sameHeaders.authorization, 'Bearer s3cret');
    assert.equal(sameHeaders.cookie, 'sid=1');

    // ok.test resolves to the allow-listed 127.0.0.1: same server, different origin.
    const cross = (await http.call(ctx(), 'get', [
      redirectTo(`http://ok.test:${recorder.port}/echo`),
      { headers },
    ])) as HttpResponse;
    const crossHeaders = (cross.body as { headers: Record<string, string> }).headers;
    assert.equal(crossHeaders.host, `ok.test:${recorder.port}`);
    assert.equal(crossHeaders.authorization, undefined);
    assert.equal(crossHeaders.cookie, undefined);
    assert.equal(crossHeaders['x-keep'], 'yes');
  });

  void test('10 redirects are followed', async () => {
    const start = recorder.requests.length;
    const res = (await http.call(ctx(), 'get', [recorder.url('/chain?n=10')])) as HttpResponse;
    assert.deepEqual(res.body, { done: true });
    assert.equal(recorder.requests.length - start, 11);
  });

  void test('the 11th redirect is TOO_MANY_REDIRECTS and is not followed', async () => {
    const start = recorder.requests.length;
    await rejectsWith(
      http.call(ctx(), 'get', [recorder.url('/chain?n=11')]),
      'TOO_MANY_REDIRECTS',
      'Too many redirects - more than 10',
    );
    assert.equal(recorder.requests.length - start, 11, 'original + 10 redirects, no 12th request');
  });

  void test('maxRedirects is configurable', async () => {
    const strict = createHttpCapability({
      allowlist: [`127.0.0.1:${recorder.port}`],
      maxRedirects: 1,
    });
    try {
      await rejectsWith(
        strict.call(ctx(), 'get', [recorder.url('/chain?n=2')]),
        'TOO_MANY_REDIRECTS',
        'Too many redirects - more than 1',
      );
    } finally {
      await strict.close();
    }
  });

  void test('a 3xx without Location is returned as is', async () => {
    const start = recorder.requests.length;
    const res = (await http.call(ctx(), 'get', [recorder.url('/status?code=302')])) as HttpResponse;
    assert.equal(res.status, 302);
    assert.equal(res.body, 'status 302');
    assert.equal(recorder.requests.length - start, 1);
  });
});
