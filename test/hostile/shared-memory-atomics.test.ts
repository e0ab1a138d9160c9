// Attack: block the isolate thread with Atomics.wait on shared memory.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: SharedArrayBuffer and Atomics.wait', () => {
  const h = attack();

  it('has no shared memory and no blocking wait', async () => {
    const body = `
      let waited = 'no';
      try { waited = Atomics.wait(new Int32Array(4), 0, 0, 10000); } catch (e) { waited = e.name; }
      return [typeof SharedArrayBuffer, typeof Atomics.wait, typeof Atomics.waitAsync, waited, Atomics.add(new Int32Array(1), 0, 2)];`;
    assert.deepEqual(h.expectValue(await h.run(body)), [
      'undefined',
      'undefined',
      'undefined',
      'TypeError',
      0,
    ]);
    await h.assertHealthy();
  });
});
