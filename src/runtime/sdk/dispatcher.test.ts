import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RateDecision, RateLimiter } from '../../cache/types.js';
import { SdkError } from './sdk-error.js';
import type { Capability, CapabilityName, SdkCallContext } from './types.js';
import { API_CALL_LIMIT_MESSAGE, createSdkDispatcher } from './dispatcher.js';

/** Fixed-window counters with no clock: a window never ends within a test. */
function countingLimiter(): Pick<RateLimiter, 'consume'> & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    consume(key: string, limit: number): Promise<RateDecision> {
      const used = (counts.get(key) ?? 0) + 1;
      counts.set(key, used);
      return Promise.resolve({ allowed: used <= limit, retryAfterMs: used <= limit ? 0 : 60_000 });
    },
  };
}

interface FakeCapability extends Capability {
  readonly calls: { method: string; args: unknown[] }[];
  released: number;
}

function fakeCapability(
  name: CapabilityName,
  behaviour: (method: string, args: unknown[]) => unknown = (method, args) => ({ method, args }),
  perMinuteLimit = 1000,
): FakeCapability {
  const capability: FakeCapability = {
    name,
    perMinuteLimit,
    calls: [],
    released: 0,
    call(_ctx, method, args) {
      capability.calls.push({ method, args });
      return Promise.resolve().then(() => behaviour(method, args));
    },
    release() {
      capability.released++;
      return Promise.resolve();
    },
  };
  return capability;
}

const ctx: SdkCallContext = {
  tenantId: 't1',
  scriptId: 's1',
  executionId: 'e1',
  userId: null,
  organizationId: null,
  deadline: Date.now() + 60_000,
  chainDepth: 0,
};

function silentLogger() {
  const errors: string[] = [];
  const log = () => {};
  return {
    errors,
    logger: { info: log, warn: log, error: (_d: object, message: string) => errors.push(message) },
  };
}

describe('createSdkDispatcher', () => {
  it('routes a call to its capability and returns the value', async () => {
    const cache = fakeCapability('cache');
    const sdk = createSdkDispatcher({
      capabilities: [cache],
      rateLimiter: countingLimiter(),
    }).forExecution(ctx, {
      maxApiCallsPerMinute: 100,
    });
    const result = await sdk.handler({ capability: 'cache', method: 'get', args: ['k'] });
    assert.deepEqual(result, { ok: true, value: { method: 'get', args: ['k'] } });
    assert.deepEqual(cache.calls, [{ method: 'get', args: ['k'] }]);
    assert.deepEqual(sdk.counters(), { apiCallCount: 1, dbQueryCount: 0, httpCallCount: 0 });
  });

  it('refuses unknown capabilities and methods without counting them', async () => {
    const cache = fakeCapability('cache');
    const sdk = createSdkDispatcher({
      capabilities: [cache],
      rateLimiter: countingLimiter(),
    }).forExecution(ctx, {
      maxApiCallsPerMinute: 100,
    });
    const notRegistered = await sdk.handler({ capability: 'http', method: 'get', args: [] });
    assert.equal(notRegistered.ok, false);
    assert.equal(!notRegistered.ok && notRegistered.code, 'SDK_ERROR');
    const badMethod = await sdk.handler({ capability: 'cache', method: 'flushall', args: [] });
    assert.equal(!badMethod.ok && badMethod.code, 'SDK_ERROR');
    const protoMethod = await sdk.handler({ capability: 'cache', method: 'constructor', args: [] });
    assert.equal(!protoMethod.ok && protoMethod.code, 'SDK_ERROR');
    const protoCapability = await sdk.handler({
      capability: '__proto__' as CapabilityName,
      method: 'get',
      args: [],
    });
    assert.equal(!protoCapability.ok && protoCapability.code, 'SDK_ERROR');
    assert.equal(cache.calls.length, 0);
    assert.equal(sdk.counters().apiCallCount, 0);
  });

  it('stops at 100 calls per execution with API_CALL_LIMIT', async () => {
    const cache = fakeCapability('cache');
    const sdk = createSdkDispatcher({
      capabilities: [cache],
      rateLimiter: countingLimiter(),
    }).forExecution(ctx, {
      maxApiCallsPerMinute: 10_000,
    });
    for (let i = 0; i < 100; i++) {
      const result = await sdk.handler({ capability: 'cache', method: 'get', args: [`k${i}`] });
      assert.equal(result.ok, true, `call ${i + 1}`);
    }
    const over = await sdk.handler({ capability: 'cache', method: 'get', args: ['k100'] });
    assert.deepEqual(over, { ok: false, code: 'API_CALL_LIMIT', message: API_CALL_LIMIT_MESSAGE });
    assert.equal(cache.calls.length, 100);
    assert.equal(sdk.counters().apiCallCount, 100);
  });

  it('does not count db.commit / db.rollback', async () => {
    const db = fakeCapability('db', (method) => (method === 'begin' ? 'tx1' : []));
    const sdk = createSdkDispatcher({
      capabilities: [db],
      rateLimiter: countingLimiter(),
    }).forExecution(ctx, {
      maxApiCallsPerMinute: 10_000,
    });
    await sdk.handler({ capability: 'db', method: 'begin', args: [] });
    await sdk.handler({ capability: 'db', method: 'query', args: ['select 1', [], 'tx1'] });
    await sdk.handler({
      capability: 'db',
      method: 'execute',
      args: ['update t set a = 1', [], 'tx1'],
    });
    await sdk.handler({ capability: 'db', method: 'commit', args: ['tx1'] });
    await sdk.handler({ capability: 'db', method: 'rollback', args: ['tx1'] });
    assert.deepEqual(sdk.counters(), { apiCallCount: 3, dbQueryCount: 2, httpCallCount: 0 });
    assert.deepEqual(
      db.calls.map((c) => c.method),
      ['begin', 'query', 'execute', 'commit', 'rollback'],
    );
  });

  it('commit still goes through after the 100-call cap', async () => {
    const db = fakeCapability('db', () => null);
    const sdk = createSdkDispatcher({
      capabilities: [db],
      rateLimiter: countingLimiter(),
    }).forExecution(ctx, {
      maxApiCallsPerMinute: 10_000,
    });
    for (let i = 0; i < 100; i++)
      await sdk.handler({ capability: 'db', method: 'query', args: ['select 1'] });
    const over = await sdk.handler({ capability: 'db', method: 'query', args: ['select 1'] });
    assert.equal(!over.ok && over.code, 'API_CALL_LIMIT');
    const commit = await sdk.handler({ capability: 'db', method: 'commit', args: ['tx1'] });
    assert.equal(commit.ok, true);
  });

  it('applies the per-script api limit with key rl:{scriptId}:api', async () => {
    const limiter = countingLimiter();
    const http = fakeCapability('http');
    const sdk = createSdkDispatcher({ capabilities: [http], rateLimiter: limiter }).forExecution(
      ctx,
      {
        maxApiCallsPerMinute: 3,
      },
    );
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await sdk.handler({ capability: 'http', method: 'get', args: ['u'] }));
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, true, false],
    );
    assert.deepEqual(results[3], { ok: false, code: 'RATE_LIMIT', message: 'Rate limit exceeded' });
    assert.equal(limiter.counts.get('rl:s1:api'), 4);
    assert.equal(http.calls.length, 3);
  });

  it('applies the per-capability limit with key rl:{scriptId}:{capability}, shared across executions', async () => {
    const limiter = countingLimiter();
    const events = fakeCapability('events', () => true, 2);
    const dispatcher = createSdkDispatcher({ capabilities: [events], rateLimiter: limiter });
    const first = dispatcher.forExecution(ctx, { maxApiCallsPerMinute: 100 });
    const second = dispatcher.forExecution(
      { ...ctx, executionId: 'e2' },
      { maxApiCallsPerMinute: 100 },
    );
    const publish = { capability: 'events' as const, method: 'publish', args: ['a.b.c', {}] };
    assert.equal((await first.handler(publish)).ok, true);
    assert.equal((await second.handler(publish)).ok, true);
    const third = await second.handler(publish);
    assert.deepEqual(third, { ok: false, code: 'RATE_LIMIT', message: 'Rate limit exceeded' });
    assert.equal(limiter.counts.get('rl:s1:events'), 3);
  });

  it('passes SdkError code and message through', async () => {
    const http = fakeCapability('http', () => {
      throw new SdkError(
        'SSRF_BLOCKED',
        'SSRF protection - Blocked private IP or cloud metadata endpoint',
      );
    });
    const sdk = createSdkDispatcher({
      capabilities: [http],
      rateLimiter: countingLimiter(),
    }).forExecution(ctx, {
      maxApiCallsPerMinute: 100,
    });
    const result = await sdk.handler({
      capability: 'http',
      method: 'get',
      args: ['http://169.254.169.254/'],
    });
    assert.deepEqual(result, {
      ok: false,
      code: 'SSRF_BLOCKED',
      message: 'SSRF protection - Blocked private IP or cloud metadata endpoint',
    });
  });

  it('turns other errors into SDK_ERROR "Internal SDK error" and logs them', async () => {
    const { errors, logger } = silentLogger();
    const cache = fakeCapability('cache', () => {
      throw new Error('connection refused at /var/run/secret.sock');
    });
    const sdk = createSdkDispatcher({
      capabilities: [cache],
      rateLimiter: countingLimiter(),
      logger,
    }).forExecution(ctx, { maxApiCallsPerMinute: 100 });
    const result = await sdk.handler({ capability: 'cache', method: 'get', args: ['k'] });
    assert.deepEqual(result, { ok: false, code: 'SDK_ERROR', message: 'Internal SDK error' });
    assert.equal(errors.length, 1);
  });

  it('fails closed when the rate limiter itself fails', async () => {
    const { errors, logger } = silentLogger();
    const broken: Pick<RateLimiter, 'consume'> = {
      consume: () => Promise.reject(new Error('redis down')),
    };
    const cache = fakeCapability('cache');
    const sdk = createSdkDispatcher({
      capabilities: [cache],
      rateLimiter: broken,
      logger,
    }).forExecution(ctx, {
      maxApiCallsPerMinute: 100,
    });
    const result = await sdk.handler({ capability: 'cache', method: 'get', args: ['k'] });
    assert.deepEqual(result, { ok: false, code: 'SDK_ERROR', message: 'Internal SDK error' });
    assert.equal(cache.calls.length, 0);
    assert.equal(errors.length, 1);
  });

  it('release calls every capability once and refuses later calls', async () => {
    const cache = fakeCapability('cache');
    const db = fakeCapability('db');
    const sdk = createSdkDispatcher({
      capabilities: [cache, db],
      rateLimiter: countingLimiter(),
    }).forExecution(ctx, {
      maxApiCallsPerMinute: 100,
    });
    await Promise.all([sdk.release(), sdk.release()]);
    assert.equal(cache.released, 1);
    assert.equal(db.released, 1);
    const late = await sdk.handler({ capability: 'cache', method: 'get', args: ['k'] });
    assert.equal(!late.ok && late.code, 'SDK_ERROR');
    assert.equal(cache.calls.length, 0);
  });
});
