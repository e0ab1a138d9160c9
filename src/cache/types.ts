// Interfaces of the shared-state backends: memory (one node) and Redis (cluster).

/** JSON values by key with optional TTL; backs sdk.cache. Keys arrive already prefixed. */
export interface CacheStore {
  get(key: string): Promise<unknown>;
  /** ttlSeconds undefined = no expiry. */
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /** Creates the key at 0 when missing; fails if the stored value is not an integer. */
  increment(key: string, delta: number): Promise<number>;
  expire(key: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** When not allowed: milliseconds until a call would be allowed again. */
  readonly retryAfterMs: number;
}

/** Fixed-window counters per key (per-minute limits, shared across nodes in Redis mode). */
export interface RateLimiter {
  consume(key: string, limit: number, windowMs?: number): Promise<RateDecision>;
  /** Whether one more call would be allowed now, without counting one (login counts failures only). */
  peek(key: string, limit: number, windowMs?: number): Promise<RateDecision>;
  close(): Promise<void>;
}
