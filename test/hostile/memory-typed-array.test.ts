// Attack: a typed array whose backing store exceeds the memory limit, written to.
import { describe, it } from 'node:test';
import { attack } from './harness.js';

describe('hostile: huge typed array', () => {
  const h = attack();

  it('fails with MEMORY_LIMIT', async () => {
    const body = 'const a = new Float64Array(64 * 1024 * 1024);\na.fill(1.5);\nreturn a.length;';
    h.expectError(await h.run(body), 'MEMORY_LIMIT');
    await h.assertHealthy();
  });
});
