// Fixed-window rate limiters (per-minute SDK and API limits): in memory for one node, in Redis for a cluster.
//
// Why a small Lua script rather than rate-limiter-flexible: callers pass the limit and window per
// call (each capability and script has its own), while rate-limiter-flexible fixes points and
// duration per limiter instance. INCR + PEXPIRE in one script is one atomic round trip, needs no
// clock agreement between nodes (Redis owns the window), and the memory limiter mirrors it exactly.
import { Redis } from 'ioredis';
import type { RateDecision, RateLimiter } from './types.js';

const MINUTE = 60_000;

/** A window starts at the first call for a key and lasts windowMs; calls beyond the limit are refused. */
export interface MemoryRateLimiterOptions {
  /** Clock override for tests. */
  readonly now?: () => number;
  /** Expired windows are swept once this many keys are held. */
  readonly sweepAbove?: number;
}

export function createMemoryRateLimiter({
  now = Date.now,
  sweepAbove = 10_000,
}: MemoryRateLimiterOptions = {}): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();

  const sweep = (t: number): void => {
    for (const [key, w] of windows) if (w.resetAt <= t) windows.delete(key);
  };

  return {
    async consume(key, limit, windowMs = MINUTE) {
      const t = now();
      const id = `${windowMs}:${key}`;
      let w = windows.get(id);
      if (w === undefined || w.resetAt <= t) {
        if (windows.size >= sweepAbove) sweep(t);
        w = { count: 0, resetAt: t + windowMs };
        windows.set(id, w);
      }
      w.count++;
      return decide(w.count, limit, w.resetAt - t);
    },
    async peek(key, limit, windowMs = MINUTE) {
      const t = now();
      const w = windows.get(`${windowMs}:${key}`);
      if (w === undefined || w.resetAt <= t) return decide(1, limit, windowMs);
      return decide(w.count + 1, limit, w.resetAt - t);
    },
    async close() {
      windows.clear();
    },
  };
}

function decide(count: number, limit: number, msLeft: number): RateDecision {
  return count <= limit
    ? { allowed: true, retryAfterMs: 0 }
    : { allowed: false, retryAfterMs: Math.max(1, msLeft) };
}

// PTTL < 0 covers a new key (-1 right after INCR created it) and one that somehow lost its TTL:
// both get the window, so no counter can live forever.
const CONSUME_LUA = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** The count so far and the window's time left, changing nothing. */
const PEEK_LUA = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
return {count, redis.call('PTTL', KEYS[1])}
`;

/** The Lua scripts, sent once per connection and then called by SHA (ioredis defineCommand). */
type ConsumeCommand = Redis & {
  jsrRateLimitConsume(key: string, windowMs: number): Promise<[number, number]>;
  jsrRateLimitPeek(key: string): Promise<[number, number]>;
};

export type RedisRateLimiterOptions = (
  | { readonly url: string; readonly client?: never }
  | { readonly client: Redis; readonly url?: never }
) & {
  /** Namespace for the counters (tests use a random one). */
  readonly keyPrefix?: string;
};

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { keyPrefix = 'jsruntime:rl:' } = options;
  // A client passed in belongs to the caller (shared connection); one built from a URL is ours.
  const owned = options.client === undefined;
  const redis = options.client ?? new Redis(options.url, { maxRetriesPerRequest: 2 });
  // Defining it on a shared client too is harmless: same name, same script.
  redis.defineCommand('jsrRateLimitConsume', { lua: CONSUME_LUA, numberOfKeys: 1 });
  redis.defineCommand('jsrRateLimitPeek', { lua: PEEK_LUA, numberOfKeys: 1 });
  const commands = redis as ConsumeCommand;

  return {
    async consume(key, limit, windowMs = MINUTE) {
      const [count, msLeft] = await commands.jsrRateLimitConsume(
        `${keyPrefix}${windowMs}:${key}`,
        windowMs,
      );
      return decide(count, limit, msLeft);
    },
    async peek(key, limit, windowMs = MINUTE) {
      const [count, msLeft] = await commands.jsrRateLimitPeek(`${keyPrefix}${windowMs}:${key}`);
      return decide(count + 1, limit, msLeft > 0 ? msLeft : windowMs);
    },
    async close() {
      if (owned) await redis.quit();
    },
  };
}
