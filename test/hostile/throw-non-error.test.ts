// Attack: throw values whose conversion to text loops or throws (toString / valueOf bombs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: throwing non-Error values', () => {
  const h = attack();

  it('reports a safe message without calling the value', async () => {
    const bombs = [
      'throw { toString() { for (;;) {} }, valueOf() { for (;;) {} } };',
      'throw { get message() { for (;;) {} }, get stack() { for (;;) {} } };',
      'throw { [Symbol.toPrimitive]() { throw new Error("again"); } };',
      'throw Object.create(null);',
    ];
    for (const body of bombs) {
      const error = h.expectError(await h.run(body), 'SCRIPT_ERROR');
      assert.equal(error.message, 'Uncaught non-Error value', body);
    }
    const text = h.expectError(await h.run("throw 'just text';"), 'SCRIPT_ERROR');
    assert.equal(text.message, 'Uncaught just text');
    await h.assertHealthy();
  });
});
