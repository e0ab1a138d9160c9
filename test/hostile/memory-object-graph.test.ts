// Attack: grow an object graph until the heap is exhausted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: object graph memory bomb', () => {
  const h = attack();

  it('fails with MEMORY_LIMIT, not a crash', async () => {
    const body =
      'let head = null;\nfor (let i = 0; ; i++) head = { i, next: head, pad: [i, i, i, i] };';
    const error = h.expectError(
      await h.run(body, { limits: { maxMemoryBytes: 16 * 1024 * 1024, maxExecutionTimeMs: 5000 } }),
      'MEMORY_LIMIT',
    );
    assert.equal(error.kind, 'memory');
    await h.assertHealthy();
  });
});
