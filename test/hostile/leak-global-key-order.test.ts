// Attack: delete built-in globals and define them again with their exact descriptors. Every key
// and descriptor of the global object is then as before (the reuse check compares those), but
// the re-added keys now come last in Reflect.ownKeys(globalThis): which globals were moved
// encodes data the next execution in the same context can read back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

// The same text both runs (one version, so the second run may reuse the first run's context).
const BODY = `
  const g = globalThis, gopd = Object.getOwnPropertyDescriptor, dp = Object.defineProperty;
  // Configurable globals in a fixed order (sorted), one bit each.
  const names = Object.getOwnPropertyNames(g).filter((n) => gopd(g, n).configurable).sort();
  if (context.input.secret !== undefined) {
    const bits = [...context.input.secret].flatMap((c) =>
      [...c.charCodeAt(0).toString(2).padStart(8, '0')].map(Number));
    bits.forEach((bit, i) => {
      if (!bit) return;
      const desc = gopd(g, names[i]);
      delete g[names[i]];
      dp(g, names[i], desc); // same value, same attributes: only the key order changes
    });
    return 'written';
  }
  // Keys defined after the last non-configurable guest global were moved by the earlier run.
  const order = Reflect.ownKeys(g).map(String);
  const moved = new Set(order.slice(order.indexOf('console') + 1));
  const bits = names.map((n) => (moved.has(n) ? 1 : 0));
  let text = '';
  for (let i = 0; i + 8 <= bits.length; i += 8) {
    const code = parseInt(bits.slice(i, i + 8).join(''), 2);
    if (code) text += String.fromCharCode(code);
  }
  return { text, order: order.join(',') };`;

describe('hostile: data encoded in the order of the global object’s keys', () => {
  const h = attack();

  it('does not reach the next execution of the script', async () => {
    const fresh = h.expectValue(await h.run(BODY, { scriptId: 'key-order-baseline' })) as {
      text: string;
      order: string;
    };
    assert.equal(fresh.text, '');
    const counted = h.countContexts();
    const writer = await h.run(BODY, { scriptId: 'key-order', input: { secret: 's3cret' } });
    assert.equal(h.expectValue(writer), 'written');
    const reader = h.expectValue(await h.run(BODY, { scriptId: 'key-order' })) as {
      text: string;
      order: string;
    };
    // Safe: the next execution sees the global object as a fresh context has it — either the
    // context was refused (the key order is part of what "unchanged" means) or nothing moved.
    assert.equal(reader.text, '', `the second run read "${reader.text}" from the first`);
    assert.equal(reader.order, fresh.order);
    assert.equal(counted().fresh + counted().reused, 2);
    await h.assertHealthy();
  });
});
