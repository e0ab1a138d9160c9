// Concurrency slots (SPEC §5): at most maxConcurrentRuns per script and N per tenant at once.
// Memory backend for one node; Redis backend for a cluster, where a slot is a lease with an
// expiry so a node that dies cannot hold slots forever.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export type Release = () => Promise<void>;

export interface ConcurrencyLimiter {
  /** Takes one slot of every key (all or nothing); null when any key is full. */
  tryAcquire(
    slots: ReadonlyArray<{ key: string; max: number }>,
    leaseMs: number,
  ): Promise<Release | null>;
  close(): Promise<void>;
}

export function createMemoryConcurrency(): ConcurrencyLimiter {
  const counts = new Map<string, number>();
  return {
    async tryAcquire(slots) {
      if (slots.some((s) => (counts.get(s.key) ?? 0) >= s.max)) return null;
      for (const s of slots) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        for (const s of slots) {
          const n = (counts.get(s.key) ?? 1) - 1;
          if (n <= 0) counts.delete(s.key);
          else counts.set(s.key, n);
        }
      };
    },
    async close() {},
  };
}

// KEYS: slot sets; ARGV: now, lease expiry, lease id, then one max per key.
const ACQUIRE = `
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[2], ARGV[3])
  redis.call('PEXPIRE', key, tonumber(ARGV[2]) - tonumber(ARGV[1]) + 1000)
end
return 1`;

// KEYS: slot sets; ARGV: lease id.
const RELEASE = `
for _, key in ipairs(KEYS) do
  redis.call('ZREM', key, ARGV[1])
end
return 0`;

/** The scripts above, sent once per connection and then called by SHA (ioredis defineCommand). */
type SlotCommands = Redis & {
  jsrAcquireSlots(numKeys: number, ...keysAndArgs: Array<string | number>): Promise<number>;
  jsrReleaseSlots(numKeys: number, ...keysAndArgs: string[]): Promise<number>;
};

export function createRedisConcurrency(options: {
  url: string;
  prefix?: string;
}): ConcurrencyLimiter {
  const redis = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on('error', () => {});
  redis.defineCommand('jsrAcquireSlots', { lua: ACQUIRE });
  redis.defineCommand('jsrReleaseSlots', { lua: RELEASE });
  const commands = redis as SlotCommands;
  const prefix = options.prefix ?? 'jsr:slots:';
  return {
    async tryAcquire(slots, leaseMs) {
      const now = Date.now();
      const lease = randomUUID();
      const keys = slots.map((s) => prefix + s.key);
      const ok = await commands.jsrAcquireSlots(
        keys.length,
        ...keys,
        now,
        now + leaseMs,
        lease,
        ...slots.map((s) => s.max),
      );
      if (ok !== 1) return null;
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // One round trip for every slot; a lost release only holds the slot until its lease ends.
        await commands.jsrReleaseSlots(keys.length, ...keys, lease).catch(() => {});
      };
    },
    async close() {
      await redis.quit().catch(() => {});
    },
  };
}
