// Attack: walk from an Error object to the Function constructor.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: Error constructor chain', () => {
  const h = attack();

  it('finds only the tamed Function constructor', async () => {
    const body = `
      const found = [];
      for (const start of [new Error('x'), new TypeError('y'), Error, Error.prototype.toString]) {
        try { found.push(typeof start.constructor.constructor('return process')()); }
        catch (e) { found.push(e.name); }
      }
      return found;`;
    assert.deepEqual(h.expectValue(await h.run(body)), [
      'EvalError',
      'EvalError',
      'EvalError',
      'EvalError',
    ]);
    await h.assertHealthy();
  });
});
