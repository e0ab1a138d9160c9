// Attack: many 1 MiB ArrayBuffers (memory outside the JS heap).
import { describe, it } from 'node:test';
import { attack } from './harness.js';

describe('hostile: array of ArrayBuffers', () => {
  const h = attack();

  it('fails with MEMORY_LIMIT', async () => {
    const body = 'const keep = [];\nfor (;;) keep.push(new ArrayBuffer(1024 * 1024));';
    h.expectError(
      await h.run(body, { limits: { maxMemoryBytes: 32 * 1024 * 1024, maxExecutionTimeMs: 5000 } }),
      'MEMORY_LIMIT',
    );
    await h.assertHealthy();
  });
});
