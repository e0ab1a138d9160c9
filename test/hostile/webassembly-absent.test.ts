// Attack: WebAssembly memory is not counted against the isolate limit, so it must not exist.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: WebAssembly', () => {
  const h = attack();

  it('is not available under any name', async () => {
    const body = `
      let memory = 'none';
      try { memory = String(new WebAssembly.Memory({ initial: 1 })); } catch (e) { memory = e.name; }
      return [typeof WebAssembly, Object.getOwnPropertyNames(globalThis).includes('WebAssembly'), memory];`;
    assert.deepEqual(h.expectValue(await h.run(body)), ['undefined', false, 'ReferenceError']);
    await h.assertHealthy();
  });
});
