// Attack: read the previous execution's last RegExp match through the legacy statics
// (`RegExp.$1`, `RegExp.lastMatch`, `RegExp.input` …), which live in the context.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: RegExp legacy statics', () => {
  const h = attack();

  it('are absent, so a match made by one execution is invisible to the next', async () => {
    const counted = h.countContexts();
    const victim = `
      const m = /token=(\\w+)/.exec(context.input.header);
      'x'.replace(/x/, 'y');
      return m[1];`;
    assert.equal(
      h.expectValue(
        await h.run(victim, { scriptId: 'regexp-shared', input: { header: 'token=s3cret' } }),
      ),
      's3cret',
    );
    const reader = `
      const names = ['$1', 'input', '$_', 'lastMatch', '$&', 'lastParen', '$+', 'leftContext',
        '$\`', 'rightContext', "$'"];
      return names.map((n) => [n, n in RegExp, String(RegExp[n])]);`;
    const seen = h.expectValue(await h.run(reader, { scriptId: 'regexp-shared' })) as [
      string,
      boolean,
      string,
    ][];
    for (const [name, present, value] of seen) {
      assert.equal(present, false, `RegExp.${name} exists`);
      assert.equal(value, 'undefined', `RegExp.${name} = ${value}`);
    }
    // The reader ran in the victim's context: the statics are gone, not merely reset.
    assert.deepEqual(counted(), { fresh: 1, reused: 1 });
    await h.assertHealthy();
  });
});
