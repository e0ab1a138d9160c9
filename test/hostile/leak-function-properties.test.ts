// Attack: hide data on an object that outlives the run — the script function itself
// (`arguments.callee` in sloppy mode), SDK and console functions, built-in methods, the
// `context` object, the unscopables of Array.prototype — for the next execution in the context.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

const TARGETS = [
  'arguments.callee',
  'sdk.log.info',
  'sdk.db',
  'console.log',
  'events.publish',
  'context',
  'Array.prototype.map',
  'Array.prototype[Symbol.unscopables]',
  'Object.getPrototypeOf(async function () {})',
  'Object.getPrototypeOf([][Symbol.iterator]())',
  'Intl.DateTimeFormat.prototype',
  'Object.getOwnPropertyDescriptor(Object.prototype, "__proto__").get',
];

describe('hostile: data hidden on objects that outlive a run', () => {
  const h = attack();

  it('cannot be stored anywhere the next execution in the same context could read it', async () => {
    const counted = h.countContexts();
    // One script (one version, so `arguments.callee` is the same function in both runs), sloppy
    // mode: writes to frozen objects fail silently instead of throwing.
    const body = `
      const targets = [${TARGETS.join(', ')}];
      if (context.input.mode === 'read') {
        return targets.map((t) => [t.stash, t.hidden, Object.isFrozen(t)]);
      }
      return targets.map((target) => {
        target.stash = 's3cret';
        try { Object.defineProperty(target, 'hidden', { value: 's3cret' }); } catch {}
        return target.stash === 's3cret' || target.hidden === 's3cret';
      });`;
    assert.deepEqual(
      h.expectValue(await h.run(body, { scriptId: 'outlive', input: { mode: 'write' } })),
      TARGETS.map(() => false),
    );
    assert.deepEqual(
      h.expectValue(await h.run(body, { scriptId: 'outlive', input: { mode: 'read' } })),
      TARGETS.map(() => [null, null, true]),
    );
    assert.deepEqual(counted(), { fresh: 1, reused: 1 });
    await h.assertHealthy();
  });
});
