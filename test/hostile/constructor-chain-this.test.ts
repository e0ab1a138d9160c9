// Attack: reach the Function constructor through `this` and compile "return process".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: this.constructor.constructor', () => {
  const h = attack();

  it('cannot compile code from a string to reach process', async () => {
    const error = h.expectError(
      await h.run("return this.constructor.constructor('return process')()"),
      'SCRIPT_ERROR',
    );
    assert.equal(error.message, 'EvalError: Code generation from strings is not allowed');
    await h.assertHealthy();
  });
});
