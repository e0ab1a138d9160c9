// Attack: pollute Object.prototype so the next execution (same isolate) sees it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: Object.prototype pollution', () => {
  const h = attack();

  it('is refused, and nothing survives into the next execution', async () => {
    const polluter = `
      'use strict';
      const attempts = [];
      for (const attempt of [
        () => { Object.prototype.isAdmin = true; },
        () => { ({}).__proto__.isAdmin = true; },
        () => { Object.defineProperty(Object.prototype, 'isAdmin', { value: true }); },
        () => { Object.setPrototypeOf(Object.prototype, { isAdmin: true }); },
        () => { Object.prototype.toString = () => 'owned'; },
      ]) { try { attempt(); attempts.push('changed'); } catch (e) { attempts.push(e.name); } }
      globalThis.isAdmin = true;
      return attempts;`;
    const attempts = h.expectValue(await h.run(polluter, { scriptId: 'shared-isolate' }));
    assert.deepEqual(attempts, ['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError']);
    const victim =
      'return [({}).isAdmin, typeof isAdmin, String({}), Object.keys(Object.prototype).length]';
    const value = h.expectValue(await h.run(victim, { scriptId: 'shared-isolate' }));
    assert.deepEqual(value, [null, 'undefined', '[object Object]', 0]);
    await h.assertHealthy();
  });
});
