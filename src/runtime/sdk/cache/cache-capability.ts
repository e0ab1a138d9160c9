// sdk.cache host side: JSON values per tenant and script, on whichever CacheStore the node runs.
import { isNotAnInteger } from '../../../cache/memory.js';
import type { CacheStore } from '../../../cache/types.js';
import { SdkError } from '../sdk-error.js';
import type { Capability, SdkCallContext } from '../types.js';

export interface CacheCapabilityOptions {
  readonly store: CacheStore;
  readonly maxKeyLength?: number;
  readonly maxValueBytes?: number;
}

const invalid = (message: string): SdkError => new SdkError('INVALID_ARGUMENT', message);

function checkKey(key: unknown, maxLength: number): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw invalid('Cache key must be a non-empty string');
  }
  if (key.length > maxLength) {
    throw invalid(`Cache key too long - at most ${maxLength} characters`);
  }
  return key;
}

function checkTtl(ttl: unknown, required: boolean): number | undefined {
  if (ttl === undefined || ttl === null) {
    if (required) throw invalid('ttlSeconds must be a positive integer');
    return undefined;
  }
  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0) {
    throw invalid('ttlSeconds must be a positive integer');
  }
  return ttl;
}

function checkValue(value: unknown, maxBytes: number): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(value) as string | undefined;
  } catch {
    json = undefined; // cycles, BigInt
  }
  if (json === undefined) throw invalid('Cache value must be JSON-serialisable');
  if (Buffer.byteLength(json) > maxBytes) {
    throw new SdkError(
      'VALUE_TOO_LARGE',
      `Value too large - cache values are limited to ${maxBytes / (1024 * 1024)} MB`,
    );
  }
}

export function createCacheCapability({
  store,
  maxKeyLength = 256,
  maxValueBytes = 1024 * 1024,
}: CacheCapabilityOptions): Capability {
  // The tenant and script come from the execution context, never from the script: this prefix is
  // the whole isolation boundary between tenants and scripts sharing one store.
  const storeKey = (ctx: SdkCallContext, key: unknown): string =>
    `tenant:${ctx.tenantId}:script:${ctx.scriptId}:${checkKey(key, maxKeyLength)}`;

  const methods: Record<string, (ctx: SdkCallContext, args: unknown[]) => Promise<unknown>> = {
    async get(ctx, [key]) {
      return (await store.get(storeKey(ctx, key))) ?? null;
    },
    async set(ctx, [key, value, ttl]) {
      const k = storeKey(ctx, key);
      const ttlSeconds = checkTtl(ttl, false);
      checkValue(value, maxValueBytes);
      await store.set(k, value, ttlSeconds);
      return true;
    },
    async delete(ctx, [key]) {
      return store.delete(storeKey(ctx, key));
    },
    async exists(ctx, [key]) {
      return store.exists(storeKey(ctx, key));
    },
    async increment(ctx, [key, delta = 1]) {
      const k = storeKey(ctx, key);
      if (typeof delta !== 'number' || !Number.isSafeInteger(delta)) {
        throw invalid('increment delta must be an integer');
      }
      try {
        return await store.increment(k, delta);
      } catch (err) {
        if (isNotAnInteger(err)) {
          throw invalid('Cannot increment - the stored value is not an integer');
        }
        throw err;
      }
    },
    async expire(ctx, [key, ttl]) {
      const k = storeKey(ctx, key);
      return store.expire(k, checkTtl(ttl, true) as number);
    },
  };

  return {
    name: 'cache',
    perMinuteLimit: 120,
    async call(ctx, method, args) {
      const run = Object.hasOwn(methods, method) ? methods[method] : undefined;
      if (!run) throw invalid(`Unknown cache method "${method}"`);
      return run(ctx, args);
    },
  };
}
