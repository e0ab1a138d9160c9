// Attack: flood the log to exhaust the host's memory or the execution record.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: log flood', () => {
  const h = attack();

  it('keeps 1000 lines and counts the rest', async () => {
    const body = `
      for (let i = 0; i < 200000; i++) console.log('spam', i);
      sdk.log.error('x'.repeat(2 * 1024 * 1024));
      return 'flooded';`;
    const outcome = await h.run(body);
    assert.equal(h.expectValue(outcome), 'flooded');
    assert.equal(outcome.logs.length, 1000);
    assert.equal(outcome.logs[0]?.message, 'spam 0');
    assert.equal(outcome.logsDropped, 200000 - 1000 + 1);
    await h.assertHealthy();
  });

  it('still caps an endless flood that runs into the time limit', async () => {
    const outcome = await h.run("for (;;) sdk.log.info('forever');", {
      limits: { maxExecutionTimeMs: 300 },
    });
    h.expectError(outcome, 'TIMEOUT');
    assert.equal(outcome.logs.length, 1000);
    assert.ok(outcome.logsDropped > 0);
    await h.assertHealthy();
  });
});
