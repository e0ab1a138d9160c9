// Attack: replace Array.prototype methods the runtime itself uses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: Array.prototype pollution', () => {
  const h = attack();

  it('cannot change array methods, now or for the next execution', async () => {
    const polluter = `
      Array.prototype.push = function () { return 'owned'; };
      Array.prototype.map = function () { return ['owned']; };
      Array.prototype[Symbol.iterator] = function* () { yield 'owned'; };
      Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true });
      const a = [1]; a.push(2);
      sdk.log.info('still', { list: [1, 2].map((x) => x * 2) });
      return { a, spread: [...a], mapped: a.map((x) => x + 1) };`;
    const outcome = await h.run(polluter, { scriptId: 'shared-isolate' });
    assert.deepEqual(h.expectValue(outcome), { a: [1, 2], spread: [1, 2], mapped: [2, 3] });
    assert.deepEqual(outcome.logs[0]?.metadata, { list: [2, 4] });
    const victim = 'const a = [3]; a.push(4); return [...a].map((x) => x * 10);';
    assert.deepEqual(h.expectValue(await h.run(victim, { scriptId: 'shared-isolate' })), [30, 40]);
    await h.assertHealthy();
  });
});
