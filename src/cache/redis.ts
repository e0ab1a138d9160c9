// Redis CacheStore for cluster mode: JSON values, SET EX for TTLs, INCRBY/EXPIRE natively.
import { Redis } from 'ioredis';
import { notAnInteger } from './memory.js';
import type { CacheStore } from './types.js';

export interface RedisCacheOptions {
  readonly url: string;
  /** Prepended to every key by ioredis (tests use a random one per run). */
  readonly keyPrefix?: string;
}

function isNotIntegerReply(err: unknown): boolean {
  return err instanceof Error && /not an integer|overflow/i.test(err.message);
}

export function createRedisCache({ url, keyPrefix = '' }: RedisCacheOptions): CacheStore {
  const redis = new Redis(url, { keyPrefix, maxRetriesPerRequest: 2 });

  return {
    async get(key) {
      const text = await redis.get(key);
      return text === null ? null : (JSON.parse(text) as unknown);
    },

    async set(key, value, ttlSeconds) {
      const text = JSON.stringify(value);
      if (ttlSeconds === undefined) await redis.set(key, text);
      else await redis.set(key, text, 'EX', ttlSeconds);
    },

    async delete(key) {
      return (await redis.del(key)) > 0;
    },

    async exists(key) {
      return (await redis.exists(key)) > 0;
    },

    async increment(key, delta) {
      try {
        return await redis.incrby(key, delta);
      } catch (err) {
        if (isNotIntegerReply(err)) throw notAnInteger('value is not an integer or out of range');
        throw err;
      }
    },

    async expire(key, ttlSeconds) {
      return (await redis.expire(key, ttlSeconds)) === 1;
    },

    async close() {
      await redis.quit();
    },
  };
}
