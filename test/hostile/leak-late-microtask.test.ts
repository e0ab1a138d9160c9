// Attack: return first, then change the global object from promise reactions that run after the
// script's result is in — after any end-of-run check — so the next execution in the context
// finds the data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: changes made after the result is in', () => {
  const h = attack();

  it('are seen before the context serves another run, which then gets a fresh one', async () => {
    const counted = h.countContexts();
    const body = `
      if (context.input.secret) {
        let p = Promise.resolve();
        for (let i = 0; i < 50; i++) p = p.then(() => {});
        p.then(() => { globalThis.leak = context.input.secret; });
        return 'written later';
      }
      return typeof leak === 'undefined' ? 'clean' : 'leaked: ' + leak;`;
    const first = await h.run(body, { scriptId: 'late', input: { secret: 's3cret' } });
    assert.equal(h.expectValue(first), 'written later');
    assert.equal(h.expectValue(await h.run(body, { scriptId: 'late' })), 'clean');
    // The second run found the context changed and ran in a fresh one; a third reuses that.
    assert.equal(h.expectValue(await h.run(body, { scriptId: 'late' })), 'clean');
    assert.deepEqual(counted(), { fresh: 2, reused: 1 });
    await h.assertHealthy();
  });
});
