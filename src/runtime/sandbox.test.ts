import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from './sandbox.js';
import { jsScript, makeRequest, noSdk, recordingSdk } from './testing.js';
import type { Outcome } from './outcome.js';

function value(outcome: Outcome): unknown {
  assert.equal(
    outcome.ok,
    true,
    outcome.ok ? '' : `${outcome.error.code}: ${outcome.error.message}`,
  );
  return outcome.ok ? outcome.value : undefined;
}

function errorOf(outcome: Outcome) {
  assert.equal(outcome.ok, false, 'expected a failed outcome');
  if (outcome.ok) throw new Error('unreachable');
  return outcome.error;
}

describe('sandbox: results and globals', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await createSandbox({ processes: 2 });
  });
  after(() => sandbox.close());

  it('returns the value of the script', async () => {
    assert.equal(value(await sandbox.run(makeRequest('return 1 + 1'), noSdk)), 2);
    assert.deepEqual(
      value(await sandbox.run(makeRequest('return { a: [1, "x", null], b: true }'), noSdk)),
      {
        a: [1, 'x', null],
        b: true,
      },
    );
  });

  it('turns undefined into null', async () => {
    assert.equal(value(await sandbox.run(makeRequest('const x = 1;'), noSdk)), null);
    assert.equal(value(await sandbox.run(makeRequest('return undefined'), noSdk)), null);
  });

  it('supports top-level await', async () => {
    const body =
      'const a = await Promise.resolve(20); const b = await (async () => 22)(); return a + b';
    assert.equal(value(await sandbox.run(makeRequest(body), noSdk)), 42);
  });

  it('exposes a frozen context with the request data', async () => {
    const body = `
      'use strict';
      let threw = false;
      try { context.input.x = 2; } catch { threw = true; }
      return {
        input: context.input,
        tenantId: context.tenantId,
        trigger: context.trigger.type,
        frozen: Object.isFrozen(context) && Object.isFrozen(context.input) && Object.isFrozen(context.trigger),
        threw,
      };`;
    const outcome = await sandbox.run(makeRequest(body, { input: { x: 1 } }), noSdk);
    assert.deepEqual(value(outcome), {
      input: { x: 1 },
      tenantId: 'tenant-1',
      trigger: 'manual',
      frozen: true,
      threw: true,
    });
  });

  it('freezes sdk, events and the built-in prototypes', async () => {
    const body = `return [
      Object.isFrozen(sdk), Object.isFrozen(sdk.http), Object.isFrozen(sdk.db), Object.isFrozen(sdk.cache),
      Object.isFrozen(sdk.log), Object.isFrozen(events), Object.isFrozen(console),
      Object.isFrozen(Object.prototype), Object.isFrozen(Array.prototype), Object.isFrozen(Function.prototype),
      Object.isFrozen(Promise.prototype), Object.isFrozen(Error.prototype), Object.isFrozen(JSON),
      Object.isFrozen(Object.getPrototypeOf(async function () {})), Object.isFrozen(Map.prototype),
      Object.isFrozen(Uint8Array.prototype), Object.isFrozen(Object.getPrototypeOf(Uint8Array.prototype)),
      Object.isFrozen(Intl.DateTimeFormat.prototype), Object.isFrozen(Intl),
    ].every(Boolean)`;
    assert.equal(value(await sandbox.run(makeRequest(body), noSdk)), true);
  });

  it('gives Math.random uniform values in [0, 1), a new sequence every run', async () => {
    const body = `
      const draws = Array.from({ length: 20000 }, () => Math.random());
      const buckets = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
      for (const x of draws) buckets[Math.floor(x * 10)]++;
      return { first: draws.slice(0, 3), buckets, inRange: draws.every((x) => x >= 0 && x < 1),
        distinct: new Set(draws).size, name: Math.random.name, length: Math.random.length };`;
    const runs = [];
    for (let i = 0; i < 2; i++) {
      runs.push(
        value(await sandbox.run(makeRequest(body, { scriptId: 'random' }), noSdk)) as {
          first: number[];
          buckets: number[];
          inRange: boolean;
          distinct: number;
          name: string;
          length: number;
        },
      );
    }
    for (const r of runs) {
      assert.equal(r.inRange, true);
      assert.equal(r.distinct, 20000);
      // 2,000 expected per tenth; ±300 is over 6 standard deviations.
      for (const n of r.buckets) assert.ok(Math.abs(n - 2000) < 300, `bucket ${n}`);
      assert.deepEqual([r.name, r.length], ['random', 0]);
    }
    assert.notDeepEqual(runs[0]!.first, runs[1]!.first);
  });

  it('still lets scripts name their own errors (no override mistake)', async () => {
    const body = `
      class NotFound extends Error {
        constructor(m) { super(m); this.name = 'NotFound'; this.code = 'NOT_FOUND'; }
      }
      const e = new NotFound('gone');
      const plain = {}; plain.toString = () => 'custom';
      return [e.name, e.message, String(e), String(plain)];`;
    assert.deepEqual(value(await sandbox.run(makeRequest(body), noSdk)), [
      'NotFound',
      'gone',
      'NotFound: gone',
      'custom',
    ]);
  });

  it('round-trips SDK calls through the handler', async () => {
    const sdk = recordingSdk((call) => ({
      ok: true,
      value: { echo: call.args, method: call.method },
    }));
    const body = `
      const a = await sdk.cache.get('k');
      const [b, c] = await Promise.all([sdk.http.post('https://example.test/x', { n: 1 }), events.publish('a.b.c', { p: 1 })]);
      const rows = await sdk.db.query('select 1');
      return { a, b, c, rows };`;
    const outcome = await sandbox.run(makeRequest(body), sdk);
    assert.deepEqual(value(outcome), {
      a: { echo: ['k'], method: 'get' },
      b: { echo: ['https://example.test/x', { n: 1 }], method: 'post' },
      c: { echo: ['a.b.c', { p: 1 }], method: 'publish' },
      rows: { echo: ['select 1', []], method: 'query' },
    });
    assert.deepEqual(sdk.calls.map((c) => `${c.capability}.${c.method}`).sort(), [
      'cache.get',
      'db.query',
      'events.publish',
      'http.post',
    ]);
  });

  it('builds db.transaction from begin / commit / rollback', async () => {
    const sdk = recordingSdk((call) => ({ ok: true, value: call.method === 'begin' ? 'tx-9' : 1 }));
    const body = `
      const r = await sdk.db.transaction(async (tx) => { await tx.execute('update t set a = $1', [1]); return 'done'; });
      let failed = null;
      try { await sdk.db.transaction(async (tx) => { await tx.query('select 1'); throw new Error('nope'); }); }
      catch (e) { failed = e.message; }
      return { r, failed };`;
    assert.deepEqual(value(await sandbox.run(makeRequest(body), sdk)), {
      r: 'done',
      failed: 'nope',
    });
    assert.deepEqual(
      sdk.calls.map((c) => [c.method, c.args]),
      [
        ['begin', []],
        ['execute', ['update t set a = $1', [1], 'tx-9']],
        ['commit', ['tx-9']],
        ['begin', []],
        ['query', ['select 1', [], 'tx-9']],
        ['rollback', ['tx-9']],
      ],
    );
  });

  it('surfaces SDK errors as Error objects with code, and as the outcome code when uncaught', async () => {
    const sdk = recordingSdk(() => ({
      ok: false,
      code: 'RATE_LIMIT',
      message: 'Rate limit exceeded',
    }));
    const caught = `
      try { await sdk.cache.get('k'); } catch (e) { return [e instanceof Error, e.code, e.message]; }`;
    assert.deepEqual(value(await sandbox.run(makeRequest(caught), sdk)), [
      true,
      'RATE_LIMIT',
      'Rate limit exceeded',
    ]);
    const uncaught = "const x = 1;\nawait sdk.cache.get('k');";
    const error = errorOf(await sandbox.run(makeRequest(uncaught), sdk));
    // V8 points a call at the called property: `get` is column 17.
    assert.deepEqual(error, {
      kind: 'sdk',
      code: 'RATE_LIMIT',
      message: 'Rate limit exceeded',
      line: 2,
      column: 17,
    });
  });

  it('rejects SDK arguments that are not JSON-serialisable inside the script', async () => {
    const sdk = recordingSdk(() => ({ ok: true, value: 1 }));
    const body =
      'const a = {}; a.self = a; try { await sdk.cache.set("k", a); } catch (e) { return e.code; }';
    assert.equal(value(await sandbox.run(makeRequest(body), sdk)), 'SDK_ERROR');
    assert.equal(sdk.calls.length, 0);
  });

  it('captures sdk.log and console lines with levels and metadata', async () => {
    const body = `
      sdk.log.info('hello', { user: 7 });
      sdk.log.warn('careful');
      console.log('a', 1, { b: 2 });
      console.error(new TypeError('bad thing'));
      sdk.log.debug(Symbol('s'));
      const cyclic = {}; cyclic.self = cyclic;
      sdk.log.error('cyclic', cyclic);
      return 'ok';`;
    const outcome = await sandbox.run(makeRequest(body), noSdk);
    assert.equal(value(outcome), 'ok');
    assert.deepEqual(
      outcome.logs.map(({ level, message, metadata }) => ({ level, message, metadata })),
      [
        { level: 'info', message: 'hello', metadata: { user: 7 } },
        { level: 'warn', message: 'careful', metadata: undefined },
        { level: 'info', message: 'a 1 {"b":2}', metadata: undefined },
        { level: 'error', message: 'TypeError: bad thing', metadata: undefined },
        { level: 'debug', message: 'Symbol(s)', metadata: undefined },
        {
          level: 'error',
          message: 'cyclic [metadata is not JSON-serialisable]',
          metadata: undefined,
        },
      ],
    );
    for (const line of outcome.logs) assert.ok(!Number.isNaN(Date.parse(line.timestamp)));
    assert.equal(outcome.logsDropped, 0);
  });

  it('keeps logs of a failed execution', async () => {
    const outcome = await sandbox.run(
      makeRequest("console.log('before');\nthrow new Error('boom')"),
      noSdk,
    );
    assert.equal(errorOf(outcome).code, 'SCRIPT_ERROR');
    assert.deepEqual(
      outcome.logs.map((l) => l.message),
      ['before'],
    );
  });

  it('caps logs at 1000 lines and counts the rest', async () => {
    const outcome = await sandbox.run(
      makeRequest('for (let i = 0; i < 1500; i++) console.log("line " + i); return 1'),
      noSdk,
    );
    assert.equal(value(outcome), 1);
    assert.equal(outcome.logs.length, 1000);
    assert.equal(outcome.logs[999]?.message, 'line 999');
    assert.equal(outcome.logsDropped, 500);
  });

  it('caps logs at 1 MB', async () => {
    const outcome = await sandbox.run(
      makeRequest(
        'const big = "x".repeat(300 * 1024); for (let i = 0; i < 5; i++) sdk.log.info(big); return 1',
      ),
      noSdk,
    );
    assert.equal(outcome.logs.length, 3);
    assert.equal(outcome.logsDropped, 2);
  });

  it('reports metrics', async () => {
    const outcome = await sandbox.run(
      makeRequest('let s = 0; for (let i = 0; i < 1e6; i++) s += i; return s'),
      noSdk,
    );
    assert.equal(value(outcome), 499999500000);
    assert.ok(outcome.metrics.durationMs > 0);
    assert.ok(outcome.metrics.cpuMs > 0);
    assert.ok(outcome.metrics.cpuMs <= outcome.metrics.durationMs + 1);
    assert.ok(outcome.metrics.memoryUsedBytes > 0);
  });

  it('gives every execution a fresh context', async () => {
    const script = jsScript(`
      const seen = { global: typeof globalThis.leak, proto: ({}).polluted, arrayProto: [].polluted };
      globalThis.leak = 1;
      try { Object.prototype.polluted = 1; } catch {}
      try { Array.prototype.polluted = 1; } catch {}
      return seen;`);
    for (let i = 0; i < 3; i++) {
      const outcome = await sandbox.run(makeRequest(script), noSdk);
      assert.deepEqual(value(outcome), { global: 'undefined' });
    }
  });

  it('fails OUTPUT_NOT_SERIALIZABLE for cyclic, BigInt and function output', async () => {
    for (const body of ['const a = {}; a.a = a; return a', 'return 10n', 'return () => 1']) {
      const error = errorOf(await sandbox.run(makeRequest(body), noSdk));
      assert.equal(error.code, 'OUTPUT_NOT_SERIALIZABLE', body);
      assert.equal(error.kind, 'script');
    }
  });

  it('fails OUTPUT_TOO_LARGE over maxOutputSizeBytes (UTF-8 bytes)', async () => {
    const limits = { maxOutputSizeBytes: 1000 };
    assert.equal(
      value(await sandbox.run(makeRequest('return "x".repeat(990)', { limits }), noSdk)),
      'x'.repeat(990),
    );
    const tooBig = await sandbox.run(makeRequest('return "x".repeat(1000)', { limits }), noSdk);
    assert.equal(errorOf(tooBig).code, 'OUTPUT_TOO_LARGE');
    // 400 × "é" is 400 UTF-16 units but 800 bytes, plus quotes: fits; 600 does not.
    assert.equal(
      value(await sandbox.run(makeRequest('return "é".repeat(400)', { limits }), noSdk)),
      'é'.repeat(400),
    );
    const multiByte = await sandbox.run(makeRequest('return "é".repeat(600)', { limits }), noSdk);
    assert.equal(errorOf(multiByte).code, 'OUTPUT_TOO_LARGE');
  });

  it('reports MEMORY_LIMIT and recovers', async () => {
    const limits = { maxMemoryBytes: 16 * 1024 * 1024, maxExecutionTimeMs: 5000 };
    const bomb = 'const a = []; for (;;) a.push({ i: a.length, pad: [1, 2, 3, 4] })';
    const error = errorOf(await sandbox.run(makeRequest(bomb, { limits }), noSdk));
    assert.equal(error.code, 'MEMORY_LIMIT');
    assert.equal(error.kind, 'memory');
    assert.equal(value(await sandbox.run(makeRequest('return 5', { limits }), noSdk)), 5);
  });

  it('reports TIMEOUT for loops, also after an await', async () => {
    const limits = { maxExecutionTimeMs: 200 };
    for (const body of ['for (;;) {}', 'await null; for (;;) {}']) {
      const outcome = await sandbox.run(makeRequest(body, { limits }), noSdk);
      const error = errorOf(outcome);
      assert.equal(error.code, 'TIMEOUT', body);
      assert.equal(error.kind, 'timeout');
      assert.ok(outcome.metrics.durationMs >= 190 && outcome.metrics.durationMs < 2000);
    }
    assert.equal(
      value(await sandbox.run(makeRequest('return "after"', { limits }), noSdk)),
      'after',
    );
  });
});
