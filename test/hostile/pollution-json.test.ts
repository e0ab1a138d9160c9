// Attack: swap JSON (frozen) or rebind the JSON global to fake the execution's output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: JSON replacement', () => {
  const h = attack();

  it('cannot change how output and SDK arguments are serialised', async () => {
    const polluter = `
      'use strict';
      let patched = 'no';
      try { JSON.stringify = () => '"owned"'; patched = 'yes'; } catch (e) { patched = e.name; }
      globalThis.JSON = { stringify: () => '"owned"', parse: () => 'owned' };
      const echoed = await sdk.cache.get({ real: 'argument' });
      return { patched, echoed, real: [1, 2] };`;
    const sdk = () => Promise.resolve({ ok: true as const, value: 'from host' });
    const outcome = await h.run(polluter, { scriptId: 'shared-isolate', sdk });
    assert.deepEqual(h.expectValue(outcome), {
      patched: 'TypeError',
      echoed: 'from host',
      real: [1, 2],
    });
    const victim = 'return [typeof JSON.stringify, JSON.stringify({ a: 1 }), JSON.parse("[2]")[0]]';
    assert.deepEqual(h.expectValue(await h.run(victim, { scriptId: 'shared-isolate' })), [
      'function',
      '{"a":1}',
      2,
    ]);
    await h.assertHealthy();
  });
});
