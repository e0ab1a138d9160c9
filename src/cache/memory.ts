// In-process CacheStore for single-node mode: LRU-bounded, per-key TTL, values held as JSON text.
import { LRUCache } from 'lru-cache';
import type { CacheStore } from './types.js';

export interface MemoryCacheOptions {
  /** Most keys kept; least recently used go first. */
  readonly maxEntries?: number;
  /**
   * Cap on the total of key + JSON text lengths (≈ bytes for ASCII). maxEntries alone would let
   * 100k values of 1 MB each grow to 100 GB; this bounds the process instead.
   */
  readonly maxSize?: number;
}

// The one expected failure of a CacheStore: increment on a value that is not an integer. Both
// backends throw it and sdk.cache turns it into INVALID_ARGUMENT. (It would sit better in
// types.ts next to the interface; it lives here because types.ts is shared.)
const NOT_AN_INTEGER = 'CACHE_NOT_INTEGER';

export function notAnInteger(message: string): Error {
  return Object.assign(new Error(message), { code: NOT_AN_INTEGER });
}

export function isNotAnInteger(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === NOT_AN_INTEGER;
}

export function createMemoryCache({
  maxEntries = 100_000,
  maxSize = 256 * 1024 * 1024,
}: MemoryCacheOptions = {}): CacheStore {
  // Values are stored as JSON text so a caller mutating an object after set() or get() cannot
  // change what the cache holds, and both backends round-trip values the same way.
  const cache = new LRUCache<string, string>({
    max: maxEntries,
    maxSize,
    sizeCalculation: (value, key) => Math.max(1, key.length + value.length),
  });

  const read = (key: string): { found: boolean; value: unknown } => {
    const text = cache.get(key);
    return text === undefined
      ? { found: false, value: null }
      : { found: true, value: JSON.parse(text) };
  };

  return {
    async get(key) {
      return read(key).value;
    },

    async set(key, value, ttlSeconds) {
      // ttl 0 = no expiry; like Redis SET, a set without TTL clears an earlier one.
      cache.set(key, JSON.stringify(value), {
        ttl: ttlSeconds === undefined ? 0 : ttlSeconds * 1000,
      });
    },

    async delete(key) {
      const existed = cache.has(key); // an expired key counts as absent, as in Redis
      cache.delete(key);
      return existed;
    },

    async exists(key) {
      return cache.has(key);
    },

    async increment(key, delta) {
      const { found, value } = read(key);
      if (found && !Number.isSafeInteger(value)) {
        throw notAnInteger('value is not an integer or out of range');
      }
      const next = (found ? (value as number) : 0) + delta;
      if (!Number.isSafeInteger(next)) throw notAnInteger('increment would overflow');
      // noUpdateTTL keeps an existing expiry (Redis INCRBY does not touch the TTL either).
      cache.set(key, JSON.stringify(next), { noUpdateTTL: true });
      return next;
    },

    async expire(key, ttlSeconds) {
      const text = cache.get(key);
      if (text === undefined) return false;
      cache.set(key, text, { ttl: ttlSeconds * 1000 });
      return true;
    },

    async close() {
      cache.clear();
    },
  };
}
