// Attack: the Function constructor by every spelling.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: Function from a string', () => {
  const h = attack();

  it('throws EvalError for Function(), new Function(), Reflect.construct and bound variants', async () => {
    const body = `
      const tries = [
        () => Function('return 1')(),
        () => new Function('return 1')(),
        () => Reflect.construct(Function, ['return 1'])(),
        () => Function.prototype.constructor('return 1')(),
        () => Function.bind(null, 'return 1')()(),
        () => Function.call(null, 'return 1')(),
      ];
      return tries.map((t) => { try { return t(); } catch (e) { return e.name + ': ' + e.message; } });`;
    const value = h.expectValue(await h.run(body));
    assert.deepEqual(
      value,
      Array(6).fill('EvalError: Code generation from strings is not allowed'),
    );
    await h.assertHealthy();
  });
});
