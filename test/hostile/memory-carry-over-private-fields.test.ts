// Attack: keep memory across executions by stamping a private field on a frozen intrinsic (a base
// class constructor that returns the object lets a subclass add its fields to any object, frozen
// or not). The global object is untouched, so the context is kept, with the memory, until a later
// run of the same script hits the memory limit although it allocates less than its limit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

/** ~22 MiB live at once: well inside the 32 MiB limit on its own. */
const ALLOCATE = `
  const parts = [];
  for (let i = 0; i < 22; i++) parts.push(new Array(128 * 1024).fill(i + 0.5));
  return parts.length;`;

describe('hostile: memory kept in private fields on frozen intrinsics', () => {
  const h = attack();

  it('does not make the next run of the script fail', async () => {
    assert.equal(h.expectValue(await h.run(ALLOCATE, { scriptId: 'stamp-control' })), 22);
    // Each run leaves ~9 MiB on Object.prototype under a private name nothing can reach again.
    const fill = `
      class Return { constructor(target) { return target; } }
      class Stamp extends Return {
        #kept = new Array(9 * 128 * 1024).fill(Math.random());
      }
      new Stamp(Object.prototype);
      return 'filled';`;
    for (let i = 0; i < 3; i++) {
      assert.equal(h.expectValue(await h.run(fill, { scriptId: 'stamp' })), 'filled');
    }
    assert.equal(h.expectValue(await h.run(ALLOCATE, { scriptId: 'stamp' })), 22);
    await h.assertHealthy();
  });
});
