// Attack: return a Proxy whose traps lie, throw or loop while the output is serialised.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: Proxy as output', () => {
  const h = attack();

  it('is serialised through its traps, and looping traps hit the time limit', async () => {
    const lying = `
      return new Proxy({}, {
        ownKeys: () => ['a', 'b'],
        getOwnPropertyDescriptor: () => ({ value: 'v', enumerable: true, configurable: true }),
        get: (_t, key) => 'seen ' + String(key),
      });`;
    assert.deepEqual(h.expectValue(await h.run(lying)), { a: 'seen a', b: 'seen b' });
    const looping = 'return new Proxy({}, { ownKeys() { for (;;) {} } });';
    h.expectError(await h.run(looping, { limits: { maxExecutionTimeMs: 300 } }), 'TIMEOUT');
    await h.assertHealthy();
  });
});
