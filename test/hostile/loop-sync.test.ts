// Attack: a synchronous infinite loop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: synchronous infinite loop', () => {
  const h = attack();

  it('is stopped at the time limit with TIMEOUT', async () => {
    const outcome = await h.run('while (true) {}', { limits: { maxExecutionTimeMs: 300 } });
    const error = h.expectError(outcome, 'TIMEOUT');
    assert.equal(error.kind, 'timeout');
    assert.ok(
      outcome.metrics.durationMs >= 290 && outcome.metrics.durationMs < 1500,
      String(outcome.metrics.durationMs),
    );
    await h.assertHealthy();
  });
});
