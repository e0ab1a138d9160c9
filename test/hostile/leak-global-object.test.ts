// Attack: keep data on the global object (the one object scripts may still change) so that the
// next execution of the script, possibly in the same context, finds it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: data left on the global object', () => {
  const h = attack();

  it('a new global property is gone in the next execution (it gets a fresh context)', async () => {
    const counted = h.countContexts();
    const writer = `globalThis.stash = context.input.secret; leaked = 'too'; return typeof stash;`;
    assert.equal(
      h.expectValue(await h.run(writer, { scriptId: 'global-add', input: { secret: 's3cret' } })),
      'string',
    );
    const reader = `return [typeof stash, typeof leaked, Object.keys(globalThis).includes('stash')];`;
    assert.deepEqual(h.expectValue(await h.run(reader, { scriptId: 'global-add' })), [
      'undefined',
      'undefined',
      false,
    ]);
    assert.deepEqual(counted(), { fresh: 2, reused: 0 });
    await h.assertHealthy();
  });

  it('a replaced or deleted built-in is back in the next execution', async () => {
    const counted = h.countContexts();
    const writer = `
      JSON = { stringify: () => 'owned', parse: () => 'owned' };
      delete globalThis.Math;
      globalThis.Array = function () { return 'owned'; };
      return typeof Math;`;
    assert.equal(h.expectValue(await h.run(writer, { scriptId: 'global-replace' })), 'undefined');
    const reader = `return [JSON.stringify([1]), typeof Math.max, Array.isArray(Array.of(1))];`;
    assert.deepEqual(h.expectValue(await h.run(reader, { scriptId: 'global-replace' })), [
      '[1]',
      'function',
      true,
    ]);
    assert.deepEqual(counted(), { fresh: 2, reused: 0 });
  });

  it('a run that leaves the global object alone hands its context to the next run', async () => {
    const counted = h.countContexts();
    for (let i = 0; i < 3; i++) {
      const value = h.expectValue(
        await h.run('const local = context.input.n; return local * 2;', {
          scriptId: 'global-clean',
          input: { n: i },
        }),
      );
      assert.equal(value, i * 2);
    }
    assert.deepEqual(counted(), { fresh: 1, reused: 2 });
    await h.assertHealthy();
  });
});
