// Script directory: what it caches and when it must not, against a database whose answers the
// test releases by hand (so a change can overtake a load deterministically).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Queryable } from '../store/queryable.js';
import type { RunnableScriptRow } from '../store/scripts.js';
import { createScriptDirectory } from './script-directory.js';

const ID_1 = '00000000-0000-4000-8000-000000000001';
const ID_2 = '00000000-0000-4000-8000-000000000002';

function row(fields: Partial<RunnableScriptRow>): RunnableScriptRow {
  return {
    id: ID_1,
    name: 'hook',
    type: 'http',
    version: 1,
    httpPath: '/a',
    methods: ['GET'],
    auth: 'public',
    ...fields,
  };
}

/** A database whose queries wait until the test answers them. */
function manualDb() {
  const pending: Array<{
    tenantId: string;
    answer(rows: RunnableScriptRow[]): void;
    fail(err: Error): void;
  }> = [];
  const db = {
    query: (_text: string, params: unknown[]) =>
      new Promise((resolve, reject) => {
        pending.push({
          tenantId: String(params[0]),
          answer: (rows) => resolve({ rows }),
          fail: reject,
        });
      }),
  } as unknown as Queryable;
  return {
    db,
    pending,
    /** Answers the oldest waiting query once it has been sent. */
    async next(rows: RunnableScriptRow[]): Promise<string> {
      while (pending.length === 0) await new Promise((r) => setImmediate(r));
      const q = pending.shift()!;
      q.answer(rows);
      return q.tenantId;
    },
  };
}

/** A database that answers every query at once with the current rows of a tenant. */
function liveDb(rows: Map<string, RunnableScriptRow[]>) {
  let queries = 0;
  const db = {
    query: async (_text: string, params: unknown[]) => {
      queries++;
      return { rows: rows.get(String(params[0])) ?? [] };
    },
  } as unknown as Queryable;
  return { db, queries: () => queries };
}

describe('script directory', () => {
  test('caches nothing until the change channel listens, then answers from memory', async () => {
    const d = liveDb(new Map([['t1', [row({})]]]));
    const dir = createScriptDirectory({ db: d.db });
    await dir.hookRoutes('t1');
    await dir.hookRoutes('t1');
    assert.equal(d.queries(), 2, 'not listening: every call reads the database');
    dir.setLive(true);
    const first = await dir.hookRoutes('t1');
    const second = await dir.hookRoutes('t1');
    assert.equal(d.queries(), 3);
    assert.equal(first, second, 'the same table while the entry lives');
    assert.deepEqual(dir.stats(), { hits: 1, loads: 3, live: true });
    dir.setLive(false);
    await dir.hookRoutes('t1');
    assert.equal(d.queries(), 4, 'connection lost: back to the database');
  });

  test('a change drops its tenant only; "*" and a reconnect drop every tenant', async () => {
    const d = liveDb(new Map());
    const dir = createScriptDirectory({ db: d.db });
    dir.setLive(true);
    await dir.hookRoutes('t1');
    await dir.hookRoutes('t2');
    dir.changed('t1');
    await dir.hookRoutes('t1');
    await dir.hookRoutes('t2');
    assert.equal(d.queries(), 3);
    dir.changed('*');
    await dir.hookRoutes('t1');
    await dir.hookRoutes('t2');
    assert.equal(d.queries(), 5);
    dir.setLive(true);
    await dir.hookRoutes('t1');
    assert.equal(d.queries(), 6);
  });

  test('a load that a change overtakes answers its caller but is not cached', async () => {
    const m = manualDb();
    const dir = createScriptDirectory({ db: m.db });
    dir.setLive(true);
    const stale = dir.hookRoutes('t1');
    dir.changed('t1');
    await m.next([row({ httpPath: '/old' })]);
    assert.equal((await stale)[0]!.httpPath, '/old');
    const fresh = dir.hookRoutes('t1');
    await m.next([row({ httpPath: '/new' })]);
    assert.equal((await fresh)[0]!.httpPath, '/new');
    assert.equal((await dir.hookRoutes('t1'))[0]!.httpPath, '/new');
    assert.equal(dir.stats().loads, 2);
  });

  test('a load that the listener losing its connection overtakes is not cached', async () => {
    const m = manualDb();
    const dir = createScriptDirectory({ db: m.db });
    dir.setLive(true);
    const stale = dir.hookRoutes('t1');
    dir.setLive(false);
    dir.setLive(true);
    await m.next([row({ httpPath: '/old' })]);
    await stale;
    const fresh = dir.hookRoutes('t1');
    await m.next([row({ httpPath: '/new' })]);
    assert.equal((await fresh)[0]!.httpPath, '/new');
  });

  test('callers waiting for the same tenant share one load; a failed load is not kept', async () => {
    const m = manualDb();
    const dir = createScriptDirectory({ db: m.db });
    dir.setLive(true);
    const both = Promise.all([dir.hookRoutes('t1'), dir.hookRoutes('t1')]);
    await m.next([row({})]);
    const [x, y] = await both;
    assert.equal(x, y);
    assert.equal(dir.stats().loads, 1);

    dir.changed('t1');
    const failing = dir.hookRoutes('t1');
    while (m.pending.length === 0) await new Promise((r) => setImmediate(r));
    m.pending.shift()!.fail(new Error('connection reset'));
    await assert.rejects(failing, /connection reset/);
    const retried = dir.hookRoutes('t1');
    await m.next([row({})]);
    assert.equal((await retried).length, 1);
  });

  test('splits a tenant into endpoints and embedded scripts by id and name', async () => {
    const d = liveDb(
      new Map([
        [
          't1',
          [
            row({ id: ID_1, name: 'Endpoint' }),
            row({
              id: ID_2,
              name: ID_1,
              type: 'embedded',
              version: 3,
              httpPath: null,
              methods: null,
              auth: null,
            }),
          ],
        ],
      ]),
    );
    const dir = createScriptDirectory({ db: d.db });
    dir.setLive(true);
    assert.deepEqual(await dir.hookRoutes('t1'), [
      { scriptId: ID_1, version: 1, httpPath: '/a', methods: ['GET'], auth: 'public' },
    ]);
    assert.deepEqual(await dir.invocable('t1', ID_2), { id: ID_2, name: ID_1, version: 3 });
    // A UUID is looked up as an id only (as the database look-up does), never as a name.
    assert.equal(await dir.invocable('t1', ID_1), null);
    assert.equal(await dir.invocable('t1', 'Endpoint'), null, 'HTTP scripts are not invocable');
    assert.equal(await dir.invocable('t2', ID_2), null, 'scripts of their own tenant only');
  });
});
