// Attack: one ArrayBuffer far larger than the memory limit.
import { describe, it } from 'node:test';
import { attack } from './harness.js';

describe('hostile: one huge ArrayBuffer', () => {
  const h = attack();

  it('fails with MEMORY_LIMIT', async () => {
    h.expectError(
      await h.run('const b = new ArrayBuffer(2 * 1024 * 1024 * 1024);\nreturn b.byteLength;'),
      'MEMORY_LIMIT',
    );
    await h.assertHealthy();
  });
});
