// Attack: an infinite loop that starts after an await (beyond isolated-vm's own timeout).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: infinite loop after await', () => {
  const h = attack();

  it('is stopped by the watchdog with TIMEOUT', async () => {
    const body =
      "sdk.log.info('about to spin');\nawait Promise.resolve();\nfor (let i = 0; ; i++) {}";
    const outcome = await h.run(body, { limits: { maxExecutionTimeMs: 300 } });
    h.expectError(outcome, 'TIMEOUT');
    assert.deepEqual(
      outcome.logs.map((l) => l.message),
      ['about to spin'],
    );
    await h.assertHealthy();
  });
});
