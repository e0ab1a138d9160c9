import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type ivm from 'isolated-vm';
import { createIsolatePool, type IsolatePool, type SlotListener } from './isolate-pool.js';
import { guestSource } from './guest-source.js';

const code = (body: string) => `async function () {\n${body}\n}`;
const never = () => false;
/** Math.random seed OP_RUN takes (128 bits, hex). */
const SEED = '0123456789abcdef0123456789abcdef';

describe('isolate pool (in a worker process)', () => {
  const pools: IsolatePool[] = [];
  const pool = (maxIsolates: number, maxIsolatesPerKey?: number): IsolatePool => {
    const created = createIsolatePool({
      guestSource: guestSource(),
      maxIsolates,
      ...(maxIsolatesPerKey ? { maxIsolatesPerKey } : {}),
    });
    pools.push(created);
    return created;
  };
  after(() => {
    for (const p of pools) p.disposeAll();
  });

  it('reuses the isolate and the compiled version; a new isolate compiles from the code cache', async () => {
    const p = pool(10);
    const slot = await p.acquire('s1', 16, never);
    assert.ok(slot);
    const first = await p.script(slot, 's1', 1, code('return 1'));
    assert.equal(await p.script(slot, 's1', 1, code('return 1')), first);
    assert.deepEqual(p.counters(), { compiles: 1, codeCacheHits: 0, contexts: 0, spareTaken: 0 });
    p.release(slot, null);
    const again = await p.acquire('s1', 16, never);
    assert.equal(again, slot);
    assert.equal(await p.script(again!, 's1', 1, code('return 1')), first);
    // A second isolate for the same script (it is busy) compiles with the cached data.
    const other = await p.acquire('s1', 16, never);
    assert.ok(other && other !== slot);
    await p.script(other, 's1', 1, code('return 1'));
    assert.equal(p.counters().compiles, 2);
    assert.equal(p.counters().codeCacheHits, 1);
    assert.equal(p.size(), 2);
  });

  it('gives a never-seen script the spare isolate prepared after the previous cold start', async () => {
    const p = pool(10);
    const first = await p.acquire('cold-1', 16, never);
    assert.equal(p.counters().spareTaken, 0);
    // The spare is made once that run is over (here: released), on the next turn of the loop.
    p.release(first!, null);
    await new Promise((resolve) => setImmediate(resolve));
    const second = await p.acquire('cold-2', 16, never);
    assert.ok(second && second !== first);
    assert.equal(p.counters().spareTaken, 1);
    const fn = await p.script(second, 'cold-2', 1, code('return 2'));
    const prepared = await p.takeContext(second);
    const ref = (await fn.run(prepared.context, { reference: true })) as ivm.Reference<unknown>;
    const envelope = (await prepared.entry.apply(
      undefined,
      [0, ref.derefInto(), '{}', 1000, 1, SEED],
      {
        result: { promise: true, copy: true },
      },
    )) as { ok: boolean; json: string };
    assert.deepEqual([envelope.ok, envelope.json], [true, '2']);
    // A different memory limit does not take a spare made for 16 MiB.
    p.release(second, null);
    await new Promise((resolve) => setImmediate(resolve));
    const other = await p.acquire('cold-3', 32, never);
    assert.equal(other?.memoryMiB, 32);
    assert.equal(p.counters().spareTaken, 1);
    assert.equal(p.size(), 3);
  });

  it('keys isolates by script and memory limit', async () => {
    const p = pool(10);
    const a = await p.acquire('s1', 16, never);
    p.release(a!, null);
    const b = await p.acquire('s1', 32, never);
    const c = await p.acquire('s2', 16, never);
    assert.notEqual(a, b);
    assert.notEqual(a, c);
    assert.equal(b?.memoryMiB, 32);
    assert.equal(p.size(), 3);
  });

  it('disposes the least recently used idle isolate over the cap', async () => {
    const p = pool(2);
    const a = await p.acquire('a', 16, never);
    const b = await p.acquire('b', 16, never);
    p.release(a!, null);
    p.release(b!, null);
    const c = await p.acquire('c', 16, never);
    assert.equal(p.size(), 2);
    assert.equal(a?.isolate.isDisposed, true);
    assert.equal(b?.isolate.isDisposed, false);
    p.release(c!, null);
  });

  it('makes runs of a busy script wait for a free isolate, and a discard hands a new one over', async () => {
    const p = pool(10, 1);
    const first = await p.acquire('busy', 16, never);
    let handed: unknown = null;
    const waiting = p.acquire('busy', 16, never).then((slot) => (handed = slot));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(handed, null);
    p.discard(first!);
    const slot = await waiting;
    assert.ok(slot && slot !== first);
    assert.equal(first?.isolate.isDisposed, true);
  });

  it('gives up the wait when the run was abandoned', async () => {
    const p = pool(10, 1);
    const first = await p.acquire('gone', 16, never);
    let abandoned = false;
    const waiting = p.acquire('gone', 16, () => abandoned);
    abandoned = true;
    p.release(first!, null);
    assert.equal(await waiting, null);
    assert.equal(await p.acquire('gone', 16, never), first);
  });

  it('drops host calls made for an earlier run', async () => {
    const p = pool(10);
    const slot = await p.acquire('tokens', 16, never);
    assert.ok(slot);
    const heard: string[] = [];
    const listener: SlotListener = {
      call: () => heard.push('call'),
      log: (_level, message) => heard.push(String(message)),
      dropped: () => {},
    };
    const fn = await p.script(slot, 'tokens', 1, code('return 1'));
    // Each context runs once: OP_RUN (0) gives the run its token (the fifth argument).
    const runIn = async (token: number) => {
      const prepared = await p.takeContext(slot);
      const ref = (await fn.run(prepared.context, { reference: true })) as ivm.Reference<unknown>;
      await prepared.entry.apply(undefined, [0, ref.derefInto(), '{}', 1000, token, SEED], {
        result: { promise: true, copy: true },
      });
      return prepared;
    };
    const first = await runIn(1);
    const second = await runIn(2);
    slot.listener = listener;
    slot.activeToken = 2;
    const stale = first.context.evalSync('() => sdk.log.info("from the first run")', {
      reference: true,
    }) as ivm.Reference<() => void>;
    const fresh = second.context.evalSync('() => sdk.log.info("from the second run")', {
      reference: true,
    }) as ivm.Reference<() => void>;
    stale.applySync(undefined, []);
    fresh.applySync(undefined, []);
    const deadline = Date.now() + 2000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20)); // let a wrongly routed call arrive, if any
    assert.deepEqual(heard, ['from the second run']);
  });
});
