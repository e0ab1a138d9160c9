// Attack: start SDK calls with huge arguments, without awaiting them. Each call's arguments are
// copied out of the isolate into the worker process and queued for the supervisor, with no bound
// on their size: two runs of one script, each inside its memory limit, push the worker process
// over its own memory limit, and every other run on it fails with SANDBOX_CRASHED.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: SDK calls with huge arguments', () => {
  const h = attack();

  it('do not get the worker process killed', async () => {
    const body = `
      const value = 'x'.repeat(8 * 1024 * 1024);
      for (let i = 0; i < 1000; i++) sdk.cache.set('k', value).catch(() => {});
      return 'sent';`;
    const limits = { maxExecutionTimeMs: 20000, maxMemoryBytes: 64 * 1024 * 1024 };
    const outcomes = await Promise.all(
      [0, 1].map(() => h.run(body, { scriptId: 'huge-arguments', limits })),
    );
    for (const outcome of outcomes) {
      if (!outcome.ok)
        assert.notEqual(outcome.error.code, 'SANDBOX_CRASHED', outcome.error.message);
    }
    await h.assertHealthy();
  });
});
