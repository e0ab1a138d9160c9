// Attack: Symbol.toPrimitive, toJSON and throwing getters on the returned value.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: Symbol and getter tricks on the output', () => {
  const h = attack();

  it('serialises by JSON rules only, and a throwing getter fails cleanly', async () => {
    const tricky = `
      return {
        [Symbol.toPrimitive]() { throw new Error('never called'); },
        [Symbol('hidden')]: 'dropped',
        sym: Symbol('dropped too'),
        nested: { toJSON() { return { replaced: true }; } },
        get computed() { return 42; },
      };`;
    assert.deepEqual(h.expectValue(await h.run(tricky)), {
      nested: { replaced: true },
      computed: 42,
    });
    const throwing =
      "return { get boom() { const e = new Error('getter failed'); e.code = 'SNEAKY'; throw e; } };";
    const error = h.expectError(await h.run(throwing), 'OUTPUT_NOT_SERIALIZABLE');
    assert.match(error.message, /getter failed/);
    await h.assertHealthy();
  });
});
