// Attack: direct and indirect eval.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: eval', () => {
  const h = attack();

  it('does not exist, directly or indirectly', async () => {
    const body = `
      const out = { type: typeof eval, onGlobal: 'eval' in globalThis, viaName: typeof globalThis['ev' + 'al'] };
      try { out.direct = eval('1 + 1'); } catch (e) { out.direct = e.name; }
      try { out.indirect = (0, globalThis.eval)('1 + 1'); } catch (e) { out.indirect = e.name; }
      return out;`;
    assert.deepEqual(h.expectValue(await h.run(body)), {
      type: 'undefined',
      onGlobal: false,
      viaName: 'undefined',
      direct: 'ReferenceError',
      indirect: 'TypeError',
    });
    await h.assertHealthy();
  });
});
