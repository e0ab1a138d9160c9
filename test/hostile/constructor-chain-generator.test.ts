// Attack: the GeneratorFunction and AsyncGeneratorFunction constructors compiling a string.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: generator constructors', () => {
  const h = attack();

  it('cannot compile through either generator constructor', async () => {
    const body = `
      const results = [];
      for (const f of [function* () {}, async function* () {}, Object.getPrototypeOf(function* () {})]) {
        try { const g = f.constructor('yield process')(); results.push(typeof g); }
        catch (e) { results.push(e.name); }
      }
      return results;`;
    assert.deepEqual(h.expectValue(await h.run(body)), ['EvalError', 'EvalError', 'EvalError']);
    await h.assertHealthy();
  });
});
