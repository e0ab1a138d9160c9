// A call that reached the dispatcher just before the execution was released (the run's last SDK
// message and its result arrive together; the Redis rate-limit check is a round trip) must not
// act once release() has run: "later calls fail" has to hold for calls still waiting on their
// rate-limit check, or a script's cache write, HTTP request or event lands after its execution
// was recorded as finished.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryCache } from '../../src/cache/memory.js';
import type { RateDecision } from '../../src/cache/types.js';
import { createSdkDispatcher } from '../../src/runtime/sdk/dispatcher.js';
import { createCacheCapability } from '../../src/runtime/sdk/cache/cache-capability.js';

describe('SDK dispatcher: a call racing release()', () => {
  it('is refused and writes nothing once the execution is released', async () => {
    const store = createMemoryCache();
    // A rate limiter whose answers the test hands out, like a Redis round trip still on the wire.
    const held: Array<() => void> = [];
    const rateLimiter = {
      consume: () =>
        new Promise<RateDecision>((resolve) => {
          held.push(() => resolve({ allowed: true, retryAfterMs: 0 }));
        }),
    };
    const dispatcher = createSdkDispatcher({
      capabilities: [createCacheCapability({ store })],
      rateLimiter,
    });
    const execution = dispatcher.forExecution(
      {
        tenantId: 'tenant-1',
        scriptId: 'script-1',
        executionId: 'exec-1',
        userId: null,
        organizationId: null,
        deadline: Date.now() + 10_000,
        chainDepth: 0,
      },
      { maxApiCallsPerMinute: 1000 },
    );

    const answer = execution.handler({ capability: 'cache', method: 'set', args: ['k', 'late'] });
    assert.equal(held.length, 2, 'the call waits on its two rate-limit checks');
    await execution.release();
    for (const resolve of held) resolve();
    const result = await answer;

    assert.equal(
      await store.get('tenant:tenant-1:script:script-1:k'),
      null,
      'no cache write after release',
    );
    assert.equal(result.ok, false, JSON.stringify(result));
  });
});
