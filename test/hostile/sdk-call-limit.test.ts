// Attack: make 101 SDK calls in one execution (through the real dispatcher).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';
import { createSdkDispatcher } from '../../src/runtime/sdk/dispatcher.js';
import type { Capability } from '../../src/runtime/sdk/types.js';

describe('hostile: 101 SDK calls', () => {
  const h = attack();

  it('fails the 101st call with API_CALL_LIMIT', async () => {
    let served = 0;
    const cache: Capability = {
      name: 'cache',
      perMinuteLimit: 100_000,
      call: () => Promise.resolve(++served),
    };
    const rateLimiter = {
      consume: () => Promise.resolve({ allowed: true, retryAfterMs: 0 }),
      close: () => Promise.resolve(),
    };
    const dispatcher = createSdkDispatcher({ capabilities: [cache], rateLimiter });
    const execution = dispatcher.forExecution(
      {
        tenantId: 'tenant-1',
        scriptId: 'test-script',
        executionId: 'e-101',
        userId: null,
        organizationId: null,
        deadline: Date.now() + 10_000,
        chainDepth: 0,
      },
      { maxApiCallsPerMinute: 100_000 },
    );
    const body =
      'let last = 0;\nfor (let i = 0; i < 101; i++) last = await sdk.cache.increment("n");\nreturn last;';
    const outcome = await h.run(body, { sdk: execution.handler });
    await execution.release();
    const error = h.expectError(outcome, 'API_CALL_LIMIT');
    assert.equal(error.message, 'API call limit exceeded - at most 100 SDK calls per execution');
    assert.equal(error.kind, 'sdk');
    assert.equal(error.line, 2);
    assert.equal(served, 100);
    assert.equal(execution.counters().apiCallCount, 100);
    await h.assertHealthy();
  });
});
