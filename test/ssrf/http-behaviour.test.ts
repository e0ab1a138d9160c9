// sdk.http behaviour against an allow-listed loopback server: verbs, bodies, JSON, headers, query, caps, timeouts.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createHttpCapability } from '../../src/runtime/sdk/http/http-capability.js';
import type { HttpCapability } from '../../src/runtime/sdk/http/http-capability.js';
import type { HttpResponse } from '../../src/runtime/sdk/http/read-response.js';
import { assertOnlyLoopback, ctx, rejectsWith } from './fixtures.js';
import { startRecorder } from './recorder.js';
import type { Recorder } from './recorder.js';
import { watchSockets } from './socket-watch.js';
import type { SocketWatch } from './socket-watch.js';

let recorder: Recorder;
let sockets: SocketWatch;
let http: HttpCapability;

before(async () => {
  recorder = await startRecorder();
  sockets = watchSockets();
  http = createHttpCapability({ allowlist: [`127.0.0.1:${recorder.port}`] });
});

after(async () => {
  await http.close();
  await recorder.close();
  assertOnlyLoopback(sockets);
  sockets.stop();
});

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

async function get(path: string, opts?: unknown): Promise<HttpResponse> {
  return (await http.call(ctx(), 'get', [recorder.url(path), opts])) as HttpResponse;
}

async function echo(method: string, args: unknown[]): Promise<Echo> {
  const res = (await http.call(ctx(), method, [recorder.url('/echo'), ...args])) as HttpResponse;
  assert.equal(res.status, 200);
  return res.body as Echo;
}

void describe('capability shape', () => {
  void test('name and per-minute limit', () => {
    assert.equal(http.name, 'http');
    assert.equal(http.perMinuteLimit, 60);
  });
});

void describe('responses', () => {
  void test('JSON bodies are parsed, headers are a plain lower-case object', async () => {
    const res = await get('/json');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { hello: 'world', n: 1 });
    assert.equal(Object.getPrototypeOf(res.headers), Object.prototype);
    assert.equal(res.headers['content-type'], 'application/json');
    for (const name of Object.keys(res.headers)) assert.equal(name, name.toLowerCase());
  });

  void test('+json media types are parsed too, whatever the status', async () => {
    const res = await get('/problem');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { title: 'bad' });
  });

  void test('JSON that does not parse falls back to text', async () => {
    assert.equal((await get('/bad-json')).body, '{not json');
  });

  void test('text stays text (UTF-8), repeated headers are joined', async () => {
    const res = await get('/text');
    assert.equal(res.body, 'plain text ✓');
    assert.equal(res.headers['x-multi'], 'a, b');
  });

  void test('non-2xx statuses are values, not errors', async () => {
    const res = await get('/status?code=503');
    assert.equal(res.status, 503);
    assert.equal(res.body, 'status 503');
  });
});

void describe('requests', () => {
  void test('each verb reaches the server with its method', async () => {
    assert.equal((await echo('get', [])).method, 'GET');
    assert.equal((await echo('delete', [])).method, 'DELETE');
    assert.equal((await echo('post', [{ a: 1 }])).method, 'POST');
    assert.equal((await echo('put', [{ a: 1 }])).method, 'PUT');
    assert.equal((await echo('patch', [{ a: 1 }])).method, 'PATCH');
  });

  void test('objects are sent as JSON, strings as they are', async () => {
    const json = await echo('post', [{ a: [1, 'two'], b: null }]);
    assert.equal(json.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(json.body), { a: [1, 'two'], b: null });
    const text = await echo('put', ['raw=1&x=2']);
    assert.equal(text.body, 'raw=1&x=2');
    assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
    const arr = await echo('patch', [[1, 2, 3]]);
    assert.equal(arr.body, '[1,2,3]');
  });

  void test('a script content-type wins; no body means no content-type', async () => {
    const form = await echo('post', [
      'a=1',
      { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    ]);
    assert.equal(form.headers['content-type'], 'application/x-www-form-urlencoded');
    const empty = await echo('post', [null]);
    assert.equal(empty.body, '');
    assert.equal(empty.headers['content-type'], undefined);
  });

  void test('headers reach the server; hop-by-hop, host and length overrides are dropped', async () => {
    const seen = await echo('get', [
      {
        headers: {
          'X-Api-Key': 'k1',
          'x-num': 42,
          Host: 'evil.example',
          Connection: 'upgrade',
          Upgrade: 'websocket',
          'Transfer-Encoding': 'chunked',
          'Content-Length': '999',
          'Proxy-Authorization': 'Basic x',
          'Accept-Encoding': 'gzip',
        },
      },
    ]);
    assert.equal(seen.headers['x-api-key'], 'k1');
    assert.equal(seen.headers['x-num'], '42');
    assert.equal(seen.headers.host, `127.0.0.1:${recorder.port}`);
    assert.equal(seen.headers.upgrade, undefined);
    assert.equal(seen.headers['transfer-encoding'], undefined);
    assert.equal(seen.headers['content-length'], undefined);
    assert.equal(seen.headers['proxy-authorization'], undefined);
    assert.equal(seen.headers['accept-encoding'], undefined);
  });

  void test('query merges with the URL query, arrays repeat, null is skipped', async () => {
    const res = (await http.call(ctx(), 'get', [
      recorder.url('/echo?keep=1'),
      { query: { q: 'a b&c', n: 5, on: true, tag: ['x', 'y'], skip: null } },
    ])) as HttpResponse;
    const url = new URL((res.body as Echo).url, 'http://x');
    assert.equal(url.searchParams.get('keep'), '1');
    assert.equal(url.searchParams.get('q'), 'a b&c');
    assert.equal(url.searchParams.get('n'), '5');
    assert.equal(url.searchParams.get('on'), 'true');
    assert.deepEqual(url.searchParams.getAll('tag'), ['x', 'y']);
    assert.equal(url.searchParams.has('skip'), false);
  });
});

void describe('argument validation', () => {
  void test('URLs that are not http(s) strings are INVALID_URL', async () => {
    for (const url of [
      'file:///etc/passwd',
      'ftp://127.0.0.1/',
      'gopher://127.0.0.1:70/',
      'data:text/plain,hi',
      'javascript:alert(1)',
      'not a url',
      '',
      42,
      null,
      { href: 'http://x' },
    ]) {
      await rejectsWith(http.call(ctx(), 'get', [url]), 'INVALID_URL', /^Invalid URL - /);
    }
  });

  void test('credentials in the URL are INVALID_URL', async () => {
    await rejectsWith(
      http.call(ctx(), 'get', [`http://u:p@127.0.0.1:${recorder.port}/`]),
      'INVALID_URL',
      /credentials/,
    );
  });

  void test('bad options are INVALID_ARGUMENT', async () => {
    const url = recorder.url('/json');
    for (const opts of [
      'x',
      [1],
      { timeout: -1 },
      { timeout: 0 },
      { timeout: Number.NaN },
      { timeout: '100' },
      { headers: 'x' },
      { headers: { 'bad name': 'x' } },
      { headers: { 'x-a': 'a\r\nInjected: 1' } },
      { headers: { 'x-a': { nested: 1 } } },
      { query: 'a=1' },
      { query: { a: { b: 1 } } },
      { retries: 3 },
    ]) {
      await rejectsWith(http.call(ctx(), 'get', [url, opts]), 'INVALID_ARGUMENT');
    }
  });

  void test('bodies that are not JSON values are INVALID_ARGUMENT', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const body of [10n, cyclic, () => 1, Symbol('s')]) {
      await rejectsWith(
        http.call(ctx(), 'post', [recorder.url('/echo'), body]),
        'INVALID_ARGUMENT',
      );
    }
  });

  void test('unknown methods are INVALID_ARGUMENT', async () => {
    for (const method of ['head', 'options', 'constructor', 'toString', '__proto__']) {
      await rejectsWith(
        http.call(ctx(), method, [recorder.url('/json')]),
        'INVALID_ARGUMENT',
        `Unknown http method "${method}"`,
      );
    }
  });
});

void describe('limits', () => {
  const TEN_MB = 10 * 1024 * 1024;

  void test('a 10 MB body is accepted', async () => {
    const res = await get(`/bytes?n=${TEN_MB}`);
    assert.equal((res.body as string).length, TEN_MB);
  });

  void test('one byte more is RESPONSE_TOO_LARGE (streamed, no content-length)', async () => {
    await rejectsWith(
      get(`/bytes?n=${TEN_MB + 1}`),
      'RESPONSE_TOO_LARGE',
      'Response too large - body exceeds 10 MB',
    );
  });

  void test('a declared content-length over the cap fails before reading', async () => {
    await rejectsWith(
      get(`/bytes?n=${50 * 1024 * 1024}&declare=1`),
      'RESPONSE_TOO_LARGE',
      'Response too large - body exceeds 10 MB',
    );
  });

  void test('maxResponseBytes is configurable and exact', async () => {
    const small = createHttpCapability({
      allowlist: [`127.0.0.1:${recorder.port}`],
      maxResponseBytes: 1000,
    });
    try {
      const ok = (await small.call(ctx(), 'get', [recorder.url('/bytes?n=1000')])) as HttpResponse;
      assert.equal((ok.body as string).length, 1000);
      await rejectsWith(
        small.call(ctx(), 'get', [recorder.url('/bytes?n=1001')]),
        'RESPONSE_TOO_LARGE',
        'Response too large - body exceeds 1000 bytes',
      );
    } finally {
      await small.close();
    }
  });

  void test('opts.timeout ends a hanging request with HTTP_TIMEOUT', async () => {
    const started = Date.now();
    await rejectsWith(
      get('/hang', { timeout: 200 }),
      'HTTP_TIMEOUT',
      'HTTP request timed out after 200 ms',
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 190 && elapsed < 3000, `elapsed ${elapsed} ms`);
  });

  void test('the timeout is capped at the time left before the execution deadline', async () => {
    const started = Date.now();
    await assert.rejects(
      http.call(ctx({ deadline: Date.now() + 300 }), 'get', [recorder.url('/hang')]),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'HTTP_TIMEOUT');
        const ms = Number(/after (\d+) ms/.exec(err.message)?.[1]);
        assert.ok(ms > 0 && ms <= 300, err.message);
        return true;
      },
    );
    assert.ok(Date.now() - started < 3000);
  });

  void test('a deadline already passed fails at once without connecting', async () => {
    const before = recorder.requests.length;
    await rejectsWith(
      http.call(ctx({ deadline: Date.now() - 1 }), 'get', [recorder.url('/json')]),
      'HTTP_TIMEOUT',
      'HTTP request timed out after 0 ms',
    );
    assert.equal(recorder.requests.length, before);
  });

  void test('the default timeout applies when the script gives none', async () => {
    const quick = createHttpCapability({
      allowlist: [`127.0.0.1:${recorder.port}`],
      defaultTimeoutMs: 150,
    });
    try {
      await rejectsWith(
        quick.call(ctx(), 'get', [recorder.url('/hang')]),
        'HTTP_TIMEOUT',
        'HTTP request timed out after 150 ms',
      );
    } finally {
      await quick.close();
    }
  });
});

void describe('connection failures', () => {
  void test('a refused connection is HTTP_ERROR with a safe message', async () => {
    // A port that was just free: listen, note it, close.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const local = createHttpCapability({ allowlist: ['127.0.0.1'] });
    try {
      await rejectsWith(
        local.call(ctx(), 'get', [`http://127.0.0.1:${port}/`]),
        'HTTP_ERROR',
        'HTTP request failed - connection refused',
      );
    } finally {
      await local.close();
    }
  });

  void test('a server that drops the connection is HTTP_ERROR', async () => {
    const rude = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    const port = (rude.address() as AddressInfo).port;
    const local = createHttpCapability({ allowlist: ['127.0.0.1'] });
    try {
      await rejectsWith(
        local.call(ctx(), 'get', [`http://127.0.0.1:${port}/`]),
        'HTTP_ERROR',
        /^HTTP request failed - /,
      );
    } finally {
      await local.close();
      await new Promise<void>((resolve) => rude.close(() => resolve()));
    }
  });
});
