// Attack: the AsyncFunction constructor (not a global) compiling a string.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: AsyncFunction constructor', () => {
  const h = attack();

  it('throws EvalError instead of compiling', async () => {
    const body =
      "const AsyncFunction = (async function () {}).constructor;\nreturn await new AsyncFunction('return process')();";
    const error = h.expectError(await h.run(body), 'SCRIPT_ERROR');
    assert.equal(error.message, 'EvalError: Code generation from strings is not allowed');
    assert.equal(error.line, 2);
    await h.assertHealthy();
  });
});
