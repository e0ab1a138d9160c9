// RateLimiter contract on memory (always) and Redis (when REDIS_URL is set), plus memory window timing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { createMemoryRateLimiter, createRedisRateLimiter } from './rate-limiter.js';
import type { RateLimiter } from './types.js';

const redisUrl = process.env.REDIS_URL;
const prefix = `jsruntime-test-rl:${randomBytes(6).toString('hex')}:`;

interface Backend {
  readonly name: string;
  readonly limiter: RateLimiter;
  /** A second limiter on the same shared state (another node), when the backend has one. */
  readonly peer: RateLimiter | null;
}

const backends: Backend[] = [{ name: 'memory', limiter: createMemoryRateLimiter(), peer: null }];
let shared: Redis | null = null;
if (redisUrl) {
  shared = new Redis(redisUrl);
  backends.push({
    name: 'redis',
    limiter: createRedisRateLimiter({ url: redisUrl, keyPrefix: prefix }),
    peer: createRedisRateLimiter({ client: shared, keyPrefix: prefix }),
  });
}

after(async () => {
  for (const b of backends) {
    await b.limiter.close();
    await b.peer?.close();
  }
  if (shared) {
    // The peer did not own the shared client, so it must still work after peer.close().
    assert.equal(await shared.ping(), 'PONG');
    let cursor = '0';
    do {
      const [next, keys] = await shared.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await shared.del(...keys);
    } while (cursor !== '0');
    await shared.quit();
  }
});

const key = (): string => `k:${randomBytes(4).toString('hex')}`;

for (const { name, limiter, peer } of backends) {
  void describe(`RateLimiter (${name})`, () => {
    void test('allows up to the limit in a window, then refuses with a retry time', async () => {
      const k = key();
      for (let i = 0; i < 5; i++) assert.equal((await limiter.consume(k, 5)).allowed, true);
      const refused = await limiter.consume(k, 5);
      assert.equal(refused.allowed, false);
      assert.ok(
        refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000,
        `${refused.retryAfterMs}`,
      );
    });

    void test('keys and window lengths are counted separately', async () => {
      const a = key();
      const b = key();
      assert.equal((await limiter.consume(a, 1)).allowed, true);
      assert.equal((await limiter.consume(a, 1)).allowed, false);
      assert.equal((await limiter.consume(b, 1)).allowed, true);
      assert.equal((await limiter.consume(a, 1, 1000)).allowed, true);
    });

    void test('peek tells whether one more call is allowed, without counting one', async () => {
      const k = key();
      for (let i = 0; i < 10; i++) assert.equal((await limiter.peek(k, 2)).allowed, true);
      await limiter.consume(k, 2);
      assert.equal((await limiter.peek(k, 2)).allowed, true);
      await limiter.consume(k, 2);
      const full = await limiter.peek(k, 2);
      assert.equal(full.allowed, false);
      assert.ok(full.retryAfterMs > 0 && full.retryAfterMs <= 60_000, `${full.retryAfterMs}`);
      // Peeking counted nothing: the window holds exactly the two consumed calls.
      assert.equal((await limiter.consume(k, 3)).allowed, true);
      assert.equal((await limiter.consume(k, 3)).allowed, false);
      if (peer) assert.equal((await peer.peek(k, 5)).allowed, true);
      if (peer) assert.equal((await peer.peek(k, 4)).allowed, false);
    });

    void test('concurrent calls never exceed the limit', async () => {
      const k = key();
      const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(k, 10)));
      assert.equal(decisions.filter((d) => d.allowed).length, 10);
    });

    void test('a new window opens after windowMs', async () => {
      const k = key();
      assert.equal((await limiter.consume(k, 1, 300)).allowed, true);
      const refused = await limiter.consume(k, 1, 300);
      assert.equal(refused.allowed, false);
      assert.ok(refused.retryAfterMs <= 300);
      // Wait for the window the limiter itself reported, then poll (no fixed sleep as sync).
      const deadline = Date.now() + 3000;
      let decision = refused;
      while (!decision.allowed) {
        assert.ok(Date.now() < deadline, 'window did not reopen');
        await new Promise((resolve) => setTimeout(resolve, Math.min(decision.retryAfterMs, 100)));
        decision = await limiter.consume(k, 1, 300);
      }
    });

    if (peer) {
      void test('nodes sharing the backend share the counts', async () => {
        const k = key();
        assert.equal((await limiter.consume(k, 2)).allowed, true);
        assert.equal((await peer.consume(k, 2)).allowed, true);
        assert.equal((await limiter.consume(k, 2)).allowed, false);
        assert.equal((await peer.consume(k, 2)).allowed, false);
      });

      void test('keeps counting when Redis lost its loaded scripts (restart, SCRIPT FLUSH)', async () => {
        const k = key();
        assert.equal((await limiter.consume(k, 2)).allowed, true);
        await shared!.script('FLUSH');
        assert.equal((await limiter.consume(k, 2)).allowed, true);
        assert.equal((await peer.consume(k, 2)).allowed, false);
      });
    }
  });
}

void describe('memory rate limiter windows (fake clock)', () => {
  void test('fixed window from the first call; retryAfterMs counts down to its end', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter({ now: () => now });
    assert.equal((await limiter.consume('k', 2)).allowed, true);
    now += 20_000;
    assert.equal((await limiter.consume('k', 2)).allowed, true);
    now += 10_000;
    assert.deepEqual(await limiter.consume('k', 2), { allowed: false, retryAfterMs: 30_000 });
    now += 29_999;
    assert.deepEqual(await limiter.consume('k', 2), { allowed: false, retryAfterMs: 1 });
    now += 1;
    assert.deepEqual(await limiter.consume('k', 2), { allowed: true, retryAfterMs: 0 });
    await limiter.close();
  });

  void test('expired windows are swept and restart cleanly', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ now: () => now, sweepAbove: 2 });
    for (const k of ['a', 'b', 'c']) assert.equal((await limiter.consume(k, 1)).allowed, true);
    now += 60_000;
    for (const k of ['a', 'b', 'c', 'd']) assert.equal((await limiter.consume(k, 1)).allowed, true);
    assert.equal((await limiter.consume('a', 1)).allowed, false);
    await limiter.close();
  });
});
