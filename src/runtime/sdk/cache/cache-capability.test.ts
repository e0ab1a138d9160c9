// sdk.cache: tenant/script isolation, validation and results, on memory and (with REDIS_URL) Redis.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createMemoryCache } from '../../../cache/memory.js';
import { createRedisCache } from '../../../cache/redis.js';
import type { CacheStore } from '../../../cache/types.js';
import { SdkError } from '../sdk-error.js';
import type { SdkCallContext } from '../types.js';
import { createCacheCapability } from './cache-capability.js';

const redisUrl = process.env.REDIS_URL;
const prefix = `jsruntime-test-sdkcache:${randomBytes(6).toString('hex')}:`;
const stores: { name: string; store: CacheStore }[] = [
  { name: 'memory', store: createMemoryCache() },
];
if (redisUrl)
  stores.push({ name: 'redis', store: createRedisCache({ url: redisUrl, keyPrefix: prefix }) });

after(async () => {
  for (const { store } of stores) await store.close();
  if (redisUrl) {
    const admin = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
    await admin.quit();
  }
});

const run = randomBytes(4).toString('hex'); // fresh tenant ids per run keep Redis runs independent

function ctx(tenant: string, script: string): SdkCallContext {
  return {
    tenantId: `${tenant}-${run}`,
    scriptId: `${script}-${run}`,
    executionId: 'exec',
    userId: null,
    organizationId: null,
    deadline: Date.now() + 30_000,
    chainDepth: 0,
  };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof SdkError, String(err));
    assert.equal(err.code, code, err.message);
    return true;
  });
}

for (const { name, store } of stores) {
  const cache = createCacheCapability({ store });
  const a1 = ctx('tenant-a', 'script-1');
  const b1 = ctx('tenant-b', 'script-1');
  const a2 = ctx('tenant-a', 'script-2');
  const call = (c: SdkCallContext, method: string, ...args: unknown[]): Promise<unknown> =>
    cache.call(c, method, args);

  void describe(`sdk.cache on ${name}`, () => {
    void test('capability shape', () => {
      assert.equal(cache.name, 'cache');
      assert.equal(cache.perMinuteLimit, 120);
    });

    void test('two tenants and two scripts with the same key never see each other', async () => {
      assert.equal(await call(a1, 'set', 'shared', { owner: 'a1' }), true);
      assert.equal(await call(b1, 'set', 'shared', { owner: 'b1' }), true);
      assert.equal(await call(a2, 'get', 'shared'), null);
      assert.equal(await call(a2, 'exists', 'shared'), false);
      assert.deepEqual(await call(a1, 'get', 'shared'), { owner: 'a1' });
      assert.deepEqual(await call(b1, 'get', 'shared'), { owner: 'b1' });

      assert.equal(await call(b1, 'delete', 'shared'), true);
      assert.deepEqual(await call(a1, 'get', 'shared'), { owner: 'a1' });
      assert.equal(await call(a2, 'delete', 'shared'), false);

      assert.equal(await call(a1, 'increment', 'hits'), 1);
      assert.equal(await call(a1, 'increment', 'hits'), 2);
      assert.equal(await call(b1, 'increment', 'hits'), 1);
      assert.equal(await call(a2, 'increment', 'hits', 10), 10);
      assert.equal(await call(a2, 'expire', 'shared', 60), false);
    });

    void test('keys are stored as tenant:{tenantId}:script:{scriptId}:{key}', async () => {
      await call(a1, 'set', 'layout:check', 7);
      assert.equal(await store.get(`tenant:${a1.tenantId}:script:${a1.scriptId}:layout:check`), 7);
    });

    void test('results follow the SDK contract', async () => {
      assert.equal(await call(a1, 'get', 'never-set'), null);
      assert.equal(await call(a1, 'set', 'v', [1, 'x'], 60), true);
      assert.deepEqual(await call(a1, 'get', 'v'), [1, 'x']);
      assert.equal(await call(a1, 'exists', 'v'), true);
      assert.equal(await call(a1, 'expire', 'v', 60), true);
      assert.equal(await call(a1, 'delete', 'v'), true);
      assert.equal(await call(a1, 'delete', 'v'), false);
      assert.equal(await call(a1, 'set', 'nullable', null), true);
      assert.equal(await call(a1, 'exists', 'nullable'), true);
      assert.equal(await call(a1, 'increment', 'down', -3), -3);
    });

    void test('increment on a non-integer value is INVALID_ARGUMENT', async () => {
      await call(a1, 'set', 'word', 'hello');
      await rejectsWith(call(a1, 'increment', 'word'), 'INVALID_ARGUMENT');
      await call(a1, 'set', 'float', 1.5);
      await rejectsWith(call(a1, 'increment', 'float'), 'INVALID_ARGUMENT');
      await rejectsWith(call(a1, 'increment', 'n', 1.5), 'INVALID_ARGUMENT');
      await rejectsWith(call(a1, 'increment', 'n', '1'), 'INVALID_ARGUMENT');
      assert.equal(await call(a1, 'get', 'word'), 'hello');
    });

    void test('keys must be non-empty strings of at most 256 characters', async () => {
      for (const key of ['', 5, null, undefined, {}, 'k'.repeat(257)]) {
        await rejectsWith(call(a1, 'get', key), 'INVALID_ARGUMENT');
        await rejectsWith(call(a1, 'set', key, 1), 'INVALID_ARGUMENT');
      }
      assert.equal(await call(a1, 'set', 'k'.repeat(256), 1), true);
    });

    void test('TTLs must be positive integer seconds', async () => {
      for (const ttl of [0, -1, 1.5, '10', Number.NaN, Infinity]) {
        await rejectsWith(call(a1, 'set', 'ttl', 1, ttl), 'INVALID_ARGUMENT');
        await rejectsWith(call(a1, 'expire', 'ttl', ttl), 'INVALID_ARGUMENT');
      }
      await rejectsWith(call(a1, 'expire', 'ttl'), 'INVALID_ARGUMENT');
    });

    void test('values must be JSON and at most 1 MB', async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      for (const value of [undefined, () => 1, 10n, cyclic, Symbol('s')]) {
        await rejectsWith(call(a1, 'set', 'bad', value), 'INVALID_ARGUMENT');
      }
      const big = 'x'.repeat(1024 * 1024); // JSON adds two quotes: just over 1 MB
      await assert.rejects(call(a1, 'set', 'big', big), (err: unknown) => {
        assert.ok(err instanceof SdkError);
        assert.equal(err.code, 'VALUE_TOO_LARGE');
        assert.equal(err.message, 'Value too large - cache values are limited to 1 MB');
        return true;
      });
      assert.equal(await call(a1, 'exists', 'big'), false);
      assert.equal(await call(a1, 'set', 'fits', 'x'.repeat(1024 * 1024 - 2)), true);
    });

    void test('unknown methods are INVALID_ARGUMENT, including Object.prototype names', async () => {
      for (const method of ['keys', 'flushall', 'constructor', 'toString', '__proto__']) {
        await rejectsWith(call(a1, method, 'k'), 'INVALID_ARGUMENT');
      }
    });
  });
}
