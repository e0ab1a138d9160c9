// Attack: hijack Promise.prototype.then (and the Promise global) to intercept SDK results.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';
import type { SdkHandler } from '../../src/runtime/sdk/types.js';

describe('hostile: Promise.prototype.then', () => {
  const h = attack();

  it('cannot be replaced; SDK promises still settle; the next execution is clean', async () => {
    const sdk: SdkHandler = (call) =>
      Promise.resolve({ ok: true, value: `value of ${String(call.args[0])}` });
    const polluter = `
      'use strict';
      const attempts = [];
      try { Promise.prototype.then = function () { for (;;) {} }; attempts.push('changed'); } catch (e) { attempts.push(e.name); }
      try { Promise.resolve = () => null; attempts.push('changed'); } catch (e) { attempts.push(e.name); }
      globalThis.Promise = function FakePromise() { for (;;) {} };
      const got = await sdk.cache.get('k');
      return { attempts, got };`;
    const outcome = await h.run(polluter, { scriptId: 'shared-isolate', sdk });
    assert.deepEqual(h.expectValue(outcome), {
      attempts: ['TypeError', 'TypeError'],
      got: 'value of k',
    });
    const victim = 'return [await Promise.resolve(7), typeof Promise.prototype.then, Promise.name]';
    assert.deepEqual(h.expectValue(await h.run(victim, { scriptId: 'shared-isolate' })), [
      7,
      'function',
      'Promise',
    ]);
    await h.assertHealthy();
  });
});
