// CacheStore contract, run against the memory backend always and Redis when REDIS_URL is set.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createMemoryCache, isNotAnInteger } from './memory.js';
import { createRedisCache } from './redis.js';
import type { CacheStore } from './types.js';

interface Backend {
  readonly name: string;
  readonly store: CacheStore;
}

const redisUrl = process.env.REDIS_URL;
const prefix = `jsruntime-test:${randomBytes(6).toString('hex')}:`;
const backends: Backend[] = [{ name: 'memory', store: createMemoryCache() }];
if (redisUrl)
  backends.push({ name: 'redis', store: createRedisCache({ url: redisUrl, keyPrefix: prefix }) });

async function redisKeys(admin: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

after(async () => {
  for (const b of backends) await b.store.close();
  if (redisUrl) {
    const admin = new Redis(redisUrl);
    try {
      const keys = await redisKeys(admin);
      if (keys.length > 0) await admin.del(...keys);
      assert.deepEqual(await redisKeys(admin), []);
    } finally {
      await admin.quit();
    }
  }
});

/** Polls until the condition holds; fails after the deadline (TTL expiry has no event to wait on). */
async function eventually(cond: () => Promise<boolean>, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const key = (name: string): string => `${name}:${randomBytes(4).toString('hex')}`;

for (const { name, store } of backends) {
  void describe(`CacheStore (${name})`, () => {
    void test('missing keys read as null and do not exist', async () => {
      const k = key('missing');
      assert.equal(await store.get(k), null);
      assert.equal(await store.exists(k), false);
      assert.equal(await store.delete(k), false);
      assert.equal(await store.expire(k, 10), false);
    });

    void test('JSON values round-trip', async () => {
      const values: unknown[] = [
        { a: 1, nested: { list: [1, 'two', null, true] } },
        [1, 2, 3],
        'text ✓',
        '',
        42,
        -1.5,
        true,
        false,
      ];
      for (const value of values) {
        const k = key('rt');
        await store.set(k, value);
        assert.deepEqual(await store.get(k), value);
        assert.equal(await store.exists(k), true);
      }
    });

    void test('stored values are copies', async () => {
      const k = key('copy');
      const value = { list: [1] };
      await store.set(k, value);
      value.list.push(2);
      const read = (await store.get(k)) as { list: number[] };
      assert.deepEqual(read, { list: [1] });
      read.list.push(3);
      assert.deepEqual(await store.get(k), { list: [1] });
    });

    void test('set overwrites, delete removes and reports whether it did', async () => {
      const k = key('del');
      await store.set(k, 1);
      await store.set(k, 2);
      assert.equal(await store.get(k), 2);
      assert.equal(await store.delete(k), true);
      assert.equal(await store.delete(k), false);
      assert.equal(await store.get(k), null);
    });

    void test('increment creates at 0, adds, subtracts and keeps integers', async () => {
      const k = key('inc');
      assert.equal(await store.increment(k, 1), 1);
      assert.equal(await store.increment(k, 5), 6);
      assert.equal(await store.increment(k, -10), -4);
      assert.equal(await store.get(k), -4);
      const preset = key('inc');
      await store.set(preset, 10);
      assert.equal(await store.increment(preset, 1), 11);
    });

    void test('increment on a value that is not an integer fails and leaves it alone', async () => {
      for (const value of ['5', 1.5, { n: 1 }, [1], true, 'abc']) {
        const k = key('notint');
        await store.set(k, value);
        await assert.rejects(store.increment(k, 1), (err: unknown) => isNotAnInteger(err));
        assert.deepEqual(await store.get(k), value);
      }
    });

    void test('TTLs expire keys; set without TTL clears one; increment keeps one', async () => {
      const expiring = key('ttl');
      const cleared = key('ttl-cleared');
      const counter = key('ttl-counter');
      const expired = key('ttl-expire');
      const control = key('ttl-control');
      await store.set(expiring, 'x', 1);
      await store.set(cleared, 'x', 1);
      await store.set(cleared, 'y'); // no TTL any more
      await store.set(counter, 1, 1);
      assert.equal(await store.increment(counter, 1), 2);
      await store.set(expired, 'z');
      assert.equal(await store.expire(expired, 1), true);
      await store.set(control, 'stays');
      assert.equal(await store.get(expiring), 'x');

      await eventually(async () => (await store.exists(expiring)) === false);
      await eventually(async () => (await store.get(counter)) === null);
      await eventually(async () => (await store.get(expired)) === null);
      assert.equal(await store.get(expiring), null);
      assert.equal(await store.get(cleared), 'y');
      assert.equal(await store.get(control), 'stays');
    });
  });
}

void describe('memory cache bounds', () => {
  void test('maxEntries evicts the least recently used key', async () => {
    const store = createMemoryCache({ maxEntries: 2 });
    await store.set('a', 1);
    await store.set('b', 2);
    await store.get('a'); // a is now more recent than b
    await store.set('c', 3);
    assert.equal(await store.get('b'), null);
    assert.equal(await store.get('a'), 1);
    assert.equal(await store.get('c'), 3);
    await store.close();
  });

  void test('maxSize bounds the total held', async () => {
    const store = createMemoryCache({ maxSize: 100 });
    await store.set('k1', 'x'.repeat(40));
    await store.set('k2', 'x'.repeat(40));
    await store.set('k3', 'x'.repeat(40)); // pushes k1 out
    assert.equal(await store.exists('k1'), false);
    assert.equal(await store.exists('k3'), true);
    await store.close();
  });
});
