// Attack: a loop inside a promise reaction, queued before the script returns.
import { describe, it } from 'node:test';
import { attack } from './harness.js';

describe('hostile: loop inside .then', () => {
  const h = attack();

  it('is stopped with TIMEOUT even though the script already returned', async () => {
    const body = 'Promise.resolve().then(() => { for (;;) {} });\nreturn "returned first";';
    h.expectError(await h.run(body, { limits: { maxExecutionTimeMs: 300 } }), 'TIMEOUT');
    await h.assertHealthy();
  });
});
