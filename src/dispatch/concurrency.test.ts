// ConcurrencyLimiter contract on memory (always) and Redis (when REDIS_URL is set): slots are
// taken all or nothing, released together and once, and never over-granted under contention.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import {
  createMemoryConcurrency,
  createRedisConcurrency,
  type ConcurrencyLimiter,
} from './concurrency.js';

const redisUrl = process.env.REDIS_URL;
const prefix = `jsruntime-test-slots:${randomBytes(6).toString('hex')}:`;
const LEASE = 60_000;

interface Backend {
  readonly name: string;
  readonly limiter: ConcurrencyLimiter;
  /** A second limiter on the same slots (another node), when the backend has one. */
  readonly peer: ConcurrencyLimiter | null;
}

const backends: Backend[] = [{ name: 'memory', limiter: createMemoryConcurrency(), peer: null }];
if (redisUrl) {
  backends.push({
    name: 'redis',
    limiter: createRedisConcurrency({ url: redisUrl, prefix }),
    peer: createRedisConcurrency({ url: redisUrl, prefix }),
  });
}

after(async () => {
  for (const b of backends) {
    await b.limiter.close();
    await b.peer?.close();
  }
  if (redisUrl) {
    const admin = new Redis(redisUrl);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  }
});

const key = (): string => randomBytes(4).toString('hex');

for (const { name, limiter, peer } of backends) {
  void describe(`ConcurrencyLimiter (${name})`, () => {
    void test('takes a slot of every key or none', async () => {
      const a = key();
      const b = key();
      const first = await limiter.tryAcquire(
        [
          { key: a, max: 1 },
          { key: b, max: 2 },
        ],
        LEASE,
      );
      assert.ok(first);
      const refused = await limiter.tryAcquire(
        [
          { key: a, max: 1 },
          { key: b, max: 2 },
        ],
        LEASE,
      );
      assert.equal(refused, null);
      // The refused call took nothing of b: one of its two slots is still free.
      const second = await limiter.tryAcquire([{ key: b, max: 2 }], LEASE);
      assert.ok(second);
      assert.equal(await limiter.tryAcquire([{ key: b, max: 2 }], LEASE), null);
      await first();
      await second();
    });

    void test('a release frees the slot of every key, and only once', async () => {
      const a = key();
      const b = key();
      const slots = [
        { key: a, max: 1 },
        { key: b, max: 1 },
      ];
      const held = await limiter.tryAcquire(slots, LEASE);
      assert.ok(held);
      await held();
      const again = await limiter.tryAcquire(slots, LEASE);
      assert.ok(again, 'both keys free after one release');
      await held();
      assert.equal(
        await limiter.tryAcquire(slots, LEASE),
        null,
        'a second release of the first holder freed nothing of the second',
      );
      await again();
    });

    void test('concurrent callers never get more slots than the limit', async () => {
      const k = key();
      const all = await Promise.all(
        Array.from({ length: 30 }, () => limiter.tryAcquire([{ key: k, max: 5 }], LEASE)),
      );
      const granted = all.filter((r) => r !== null);
      assert.equal(granted.length, 5);
      await Promise.all(granted.map((release) => release()));
      assert.ok(await limiter.tryAcquire([{ key: k, max: 1 }], LEASE));
    });

    if (peer) {
      void test('nodes sharing the backend share the slots; a lease ends by itself', async () => {
        const k = key();
        const held = await limiter.tryAcquire([{ key: k, max: 1 }], 300);
        assert.ok(held);
        assert.equal(await peer.tryAcquire([{ key: k, max: 1 }], LEASE), null);
        // A node that died holding the slot: the lease runs out and the slot comes back.
        const deadline = Date.now() + 5000;
        let taken = null;
        while (!taken) {
          assert.ok(Date.now() < deadline, 'the lease never ended');
          await new Promise((resolve) => setTimeout(resolve, 50));
          taken = await peer.tryAcquire([{ key: k, max: 1 }], LEASE);
        }
        await taken();
      });

      void test('keeps working when Redis lost its loaded scripts (restart, SCRIPT FLUSH)', async () => {
        const k = key();
        const before = await limiter.tryAcquire([{ key: k, max: 1 }], LEASE);
        assert.ok(before);
        const admin = new Redis(redisUrl!);
        try {
          await admin.script('FLUSH');
        } finally {
          await admin.quit();
        }
        await before();
        const after = await limiter.tryAcquire([{ key: k, max: 1 }], LEASE);
        assert.ok(after, 'the release reached Redis and acquire runs again');
        await after();
      });
    }
  });
}
