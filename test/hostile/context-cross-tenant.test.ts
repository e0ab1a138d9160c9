// Attack: keep a reference to another execution's context or SDK through the shared isolate.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: state shared between executions of one script', () => {
  const h = attack();

  it('a later execution cannot see the earlier one’s context, globals or closures', async () => {
    const first = `
      globalThis.stash = { context, sdk };
      Object.getPrototypeOf(async function () {}).stash = context;
      return context.input.secret;`;
    const secretRun = await h.run(first, {
      scriptId: 'two-tenants',
      input: { secret: 'tenant A data' },
    });
    assert.equal(h.expectValue(secretRun), 'tenant A data');
    const second = `
      return [typeof globalThis.stash, Object.getPrototypeOf(async function () {}).stash === undefined, context.input.secret ?? null];`;
    const value = h.expectValue(await h.run(second, { scriptId: 'two-tenants', input: {} }));
    assert.deepEqual(value, ['undefined', true, null]);
    await h.assertHealthy();
  });
});
