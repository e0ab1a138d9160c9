// Attack: return while an SDK call is still in flight, with a continuation that would act when
// the call settles — in the middle of the next execution of the same script.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';
import { recordingSdk } from '../../src/runtime/testing.js';
import type { SdkResult } from '../../src/runtime/sdk/types.js';

describe('hostile: an SDK call left in flight', () => {
  const h = attack();

  it('does not reach the next execution, which gets a fresh context', async () => {
    const counted = h.countContexts();
    let settle: (result: SdkResult) => void = () => {};
    const slow = recordingSdk(
      () =>
        new Promise<SdkResult>((resolve) => {
          settle = resolve;
        }),
    );
    const body = `
      if (context.input.first) {
        sdk.cache.get('k').then((v) => console.log('late', v));
        return 'first';
      }
      console.log('own line');
      return 'next';`;
    const first = await h.run(body, { scriptId: 'in-flight', input: { first: true }, sdk: slow });
    assert.equal(h.expectValue(first), 'first');
    assert.equal(slow.calls.length, 1);
    const second = await h.run(body, { scriptId: 'in-flight' });
    assert.equal(h.expectValue(second), 'next');
    settle({ ok: true, value: 'leaked' });
    const third = await h.run(body, { scriptId: 'in-flight' });
    assert.equal(h.expectValue(third), 'next');
    for (const outcome of [second, third]) {
      assert.deepEqual(
        outcome.logs.map((l) => l.message),
        ['own line'],
      );
    }
    // The first run left a call in flight: its context was not handed on.
    assert.deepEqual(counted(), { fresh: 2, reused: 1 });
    await h.assertHealthy();
  });
});
