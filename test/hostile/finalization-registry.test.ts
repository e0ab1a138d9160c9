// Attack: leave a FinalizationRegistry callback behind to run inside a later execution.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: FinalizationRegistry carry-over', () => {
  const h = attack();

  it('has no FinalizationRegistry, so nothing of one run can run during the next', async () => {
    const planter = `
      if (typeof FinalizationRegistry === 'undefined') return 'absent';
      const registry = new FinalizationRegistry(() => sdk.log.info('planted by an earlier run'));
      for (let i = 0; i < 1000; i++) registry.register({ i }, i);
      return 'planted';`;
    assert.equal(h.expectValue(await h.run(planter, { scriptId: 'shared-isolate' })), 'absent');
    const victim =
      'const junk = []; for (let i = 0; i < 200000; i++) junk.push({ i }); return junk.length;';
    const outcome = await h.run(victim, { scriptId: 'shared-isolate' });
    assert.equal(h.expectValue(outcome), 200000);
    assert.deepEqual(outcome.logs, []);
    await h.assertHealthy();
  });
});
