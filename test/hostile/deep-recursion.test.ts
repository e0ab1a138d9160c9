// Attack: unbounded recursion to overflow the stack.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: deep recursion', () => {
  const h = attack();

  it('ends in a clean RangeError script error', async () => {
    const body = 'function down(n) { return down(n + 1) + 1; }\nreturn down(0);';
    const error = h.expectError(await h.run(body, { scriptId: 'recursion' }), 'SCRIPT_ERROR');
    assert.equal(error.message, 'RangeError: Maximum call stack size exceeded');
    assert.equal(error.line, 1);
    // The same isolate is still fine.
    assert.equal(h.expectValue(await h.run('return "after"', { scriptId: 'recursion' })), 'after');
    await h.assertHealthy();
  });
});
