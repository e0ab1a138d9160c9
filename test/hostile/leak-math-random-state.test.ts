// Attack: pass data through Math.random's state. V8 keeps the generator (xorshift128+) and a
// cache of 64 precomputed values per context, so in a reused context the next execution
// continues the earlier one's sequence. The reader draws a few values, finds where V8 refilled
// the cache (consecutive values stop satisfying the xorshift128+ recurrence there), and so
// learns how many values the earlier execution drew, modulo 64: 6 bits per run, chosen by the
// writer. (Lower priority than a direct leak, but it is data of one run read by the next.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

// The same text both runs (one version, so the second run may reuse the first run's context).
// The reader returns how many values were drawn in this context before it, modulo 64.
const BODY = `
  if (context.input.pin !== undefined) {
    for (let i = 0; i < context.input.pin; i++) Math.random();
    return 'written';
  }
  const M64 = (1n << 64n) - 1n;
  const draws = [];
  for (let i = 0; i < 70; i++) draws.push(BigInt(Math.floor(Math.random() * 2 ** 52)) << 12n);
  const next = (older, newer) => {
    let y = older ^ ((older << 23n) & M64);
    y ^= y >> 17n;
    return (y ^ newer ^ (newer >> 26n)) & M64;
  };
  const fails = (k) => (next(draws[k + 2], draws[k + 1]) >> 35n) !== (draws[k] >> 35n);
  let first = -1;
  for (let k = 0; k + 2 < draws.length; k++) if (fails(k)) { first = k; break; }
  const left = fails(first + 1) ? first + 2 : first + 1;
  return (64 - left) % 64;`;

describe('hostile: data passed through the state of Math.random', () => {
  const h = attack();

  it('does not reach the next execution of the script', async () => {
    // Writer and reader run in turn in one kept context, for three different pins. Decoding V8's
    // generator recovers every pin when the state carries over; with a generator reseeded for
    // every run it yields unrelated numbers (all three right by chance: 1 in 262,144).
    const pins = [42, 17, 5];
    const reads: unknown[] = [];
    for (const pin of pins) {
      const counted = h.countContexts();
      const writer = await h.run(BODY, { scriptId: `random-${pin}`, input: { pin } });
      assert.equal(h.expectValue(writer), 'written');
      reads.push(h.expectValue(await h.run(BODY, { scriptId: `random-${pin}` })));
      assert.deepEqual(counted(), { fresh: 1, reused: 1 }, 'the reader ran in the kept context');
    }
    assert.notDeepEqual(reads, pins, 'the reader recovered what the writer drew');
    await h.assertHealthy();
  });
});
