// Attack: a getter on the returned object that never returns, run during serialisation.
import { describe, it } from 'node:test';
import { attack } from './harness.js';

describe('hostile: looping getter on the output', () => {
  const h = attack();

  it('is stopped by the time limit', async () => {
    const body = 'return { ok: 1, get trap() { for (;;) {} } };';
    h.expectError(await h.run(body, { limits: { maxExecutionTimeMs: 300 } }), 'TIMEOUT');
    await h.assertHealthy();
  });
});
