// Attack: leave a few hundred thousand globals behind. The next run of the script finds the context
// changed and gets a fresh one, but the check that finds it runs in the old context, on the next
// run's memory and time: it lists every global and fails that run with MEMORY_LIMIT.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: many globals left for the next run', () => {
  const h = attack();

  it('do not make the next run of the script fail', async () => {
    const body = `
      if (context.input.flood) {
        for (let i = 0; i < 300000; i++) globalThis['k' + i] = i;
        return 'flooded';
      }
      return 'clean';`;
    const limits = { maxExecutionTimeMs: 5000 };
    const flooded = await h.run(body, { scriptId: 'globals', input: { flood: true }, limits });
    assert.equal(h.expectValue(flooded), 'flooded');
    assert.equal(h.expectValue(await h.run(body, { scriptId: 'globals', limits })), 'clean');
    await h.assertHealthy();
  });
});
