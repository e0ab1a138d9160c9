// Attack: double a flat string until it no longer fits.
import { describe, it } from 'node:test';
import { attack } from './harness.js';

describe('hostile: string doubling', () => {
  const h = attack();

  it('fails with MEMORY_LIMIT', async () => {
    const body = "let s = 'x';\nfor (;;) s = s.repeat(2);";
    h.expectError(
      await h.run(body, { limits: { maxMemoryBytes: 16 * 1024 * 1024, maxExecutionTimeMs: 5000 } }),
      'MEMORY_LIMIT',
    );
    await h.assertHealthy();
  });
});
