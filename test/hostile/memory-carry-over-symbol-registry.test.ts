// Attack: keep memory across executions in the isolate-wide Symbol registry (`Symbol.for`), which
// neither the global-object check nor a fresh context clears, until a later run of the same
// script hits the memory limit although it allocates less than its limit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

/** ~22 MiB live at once: well inside the 32 MiB limit on its own. */
const ALLOCATE = `
  const parts = [];
  for (let i = 0; i < 22; i++) parts.push(new Array(128 * 1024).fill(i + 0.5));
  return parts.length;`;

describe('hostile: memory kept in the Symbol registry', () => {
  const h = attack();

  it('does not make the next run of the script fail', async () => {
    assert.equal(h.expectValue(await h.run(ALLOCATE, { scriptId: 'registry-control' })), 22);
    // Each run registers ~9 MiB of distinct keys, then touches the global object so that the
    // next run gets a fresh context: the registry belongs to the isolate, not the context.
    const fill = `
      const base = 'y'.repeat(1024 * 1024);
      const salt = Math.random();
      for (let i = 0; i < 9; i++) Symbol.for(base + salt + i);
      globalThis.touched = true;
      return 'filled';`;
    for (let i = 0; i < 3; i++) {
      assert.equal(h.expectValue(await h.run(fill, { scriptId: 'registry' })), 'filled');
    }
    const counted = h.countContexts();
    assert.equal(h.expectValue(await h.run(ALLOCATE, { scriptId: 'registry' })), 22);
    assert.deepEqual(counted(), { fresh: 1, reused: 0 });
    await h.assertHealthy();
  });
});
