// sdk.db transactions: commit, rollback, ownership by execution, and clean-up when the script
// abandons one (release at the end of the execution, or the execution deadline passing).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import { createSqlFixture, rejectsWith, type SqlFixture } from './fixture.js';

/** Polls until check() is true or the deadline passes (no fixed sleeps). */
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

for (const server of testServers()) {
  void describe(`sdk.db transactions (${server.name})`, () => {
    let f: SqlFixture;
    before(async () => {
      f = await createSqlFixture(server);
    });
    after(() => f.close());

    const countNamed = async (name: string): Promise<number> => {
      const r = await f.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM tenant_data.clients WHERE name = $1',
        [name],
      );
      return r.rows[0]?.n ?? -1;
    };
    const inUse = (): number => f.pool.totalCount - f.pool.idleCount;

    void it('commit makes the statements visible together', async () => {
      const ctx = f.ctx(f.tenantA);
      const tx = (await f.db.call(ctx, 'begin', [])) as string;
      assert.equal(typeof tx, 'string');
      await f.db.call(ctx, 'execute', [
        'INSERT INTO clients (name) VALUES ($1)',
        ['committed'],
        tx,
      ]);
      await f.db.call(ctx, 'execute', [
        'INSERT INTO clients (name) VALUES ($1)',
        ['committed'],
        tx,
      ]);
      // Inside the transaction the rows are visible, outside not yet.
      assert.equal(
        await f.db.call(ctx, 'execute', [
          'SELECT 1 FROM clients WHERE name = $1',
          ['committed'],
          tx,
        ]),
        2,
      );
      assert.equal(await countNamed('committed'), 0);
      assert.equal(await f.db.call(ctx, 'commit', [tx]), true);
      assert.equal(await countNamed('committed'), 2);
      const tenants = await f.pool.query(
        'SELECT DISTINCT tenant_id FROM tenant_data.clients WHERE name = $1',
        ['committed'],
      );
      assert.deepEqual(tenants.rows, [{ tenant_id: f.tenantA }]);
    });

    void it('rollback leaves no rows', async () => {
      const ctx = f.ctx(f.tenantA);
      const tx = (await f.db.call(ctx, 'begin', [])) as string;
      await f.db.call(ctx, 'execute', ['INSERT INTO clients (name) VALUES ($1)', ['rolled'], tx]);
      assert.equal(await f.db.call(ctx, 'rollback', [tx]), true);
      assert.equal(await countNamed('rolled'), 0);
      await rejectsWith(f.db.call(ctx, 'commit', [tx]), 'INVALID_ARGUMENT', /unknown or finished/);
    });

    void it('a transaction keeps the tenant and the gate', async () => {
      const ctx = f.ctx(f.tenantB);
      const tx = (await f.db.call(ctx, 'begin', [])) as string;
      await rejectsWith(
        f.db.call(ctx, 'query', [
          'SELECT set_config($1, $2, true)',
          ['app.tenant_id', f.tenantA],
          tx,
        ]),
        'UNAUTHORIZED_SQL',
      );
      assert.deepEqual(
        await f.db.call(ctx, 'query', [
          'SELECT name FROM clients WHERE tenant_id = $1',
          [f.tenantA],
          tx,
        ]),
        [],
      );
      await f.db.call(ctx, 'rollback', [tx]);
    });

    void it('a failed statement makes commit fail instead of committing half', async () => {
      const ctx = f.ctx(f.tenantA);
      const tx = (await f.db.call(ctx, 'begin', [])) as string;
      await f.db.call(ctx, 'execute', ['INSERT INTO clients (name) VALUES ($1)', ['half'], tx]);
      await rejectsWith(
        f.db.call(ctx, 'execute', [
          'INSERT INTO products (name, price) VALUES ($1, $2)',
          ['x', -1],
          tx,
        ]),
        'SQL_ERROR',
        /check constraint/,
      );
      await rejectsWith(
        f.db.call(ctx, 'execute', ['SELECT 1', [], tx]),
        'SQL_ERROR',
        /current transaction is aborted/,
      );
      await rejectsWith(f.db.call(ctx, 'commit', [tx]), 'SQL_ERROR', /rolled back/);
      assert.equal(await countNamed('half'), 0);
      assert.equal(inUse(), 0);
    });

    void it('a transaction id only works for the execution that opened it', async () => {
      const owner = f.ctx(f.tenantA);
      const tx = (await f.db.call(owner, 'begin', [])) as string;
      for (const other of [f.ctx(f.tenantA), f.ctx(f.tenantB)]) {
        await rejectsWith(
          f.db.call(other, 'query', ['SELECT 1', [], tx]),
          'INVALID_ARGUMENT',
          /unknown or finished transaction/,
        );
        await rejectsWith(f.db.call(other, 'commit', [tx]), 'INVALID_ARGUMENT');
        await rejectsWith(f.db.call(other, 'rollback', [tx]), 'INVALID_ARGUMENT');
      }
      await rejectsWith(f.db.call(owner, 'query', ['SELECT 1', [], 'made-up']), 'INVALID_ARGUMENT');
      await rejectsWith(f.db.call(owner, 'commit', [42]), 'INVALID_ARGUMENT');
      // One open transaction per execution.
      await rejectsWith(f.db.call(owner, 'begin', []), 'INVALID_ARGUMENT', /at most 1 open/);
      await f.db.call(owner, 'rollback', [tx]);
    });

    void it('concurrent begin() calls of one execution cannot exceed the limit', async () => {
      const ctx = f.ctx(f.tenantA);
      const results = await Promise.allSettled([
        f.db.call(ctx, 'begin', []),
        f.db.call(ctx, 'begin', []),
        f.db.call(ctx, 'begin', []),
      ]);
      const opened = results.filter((r) => r.status === 'fulfilled');
      assert.equal(opened.length, 1);
      for (const r of results) {
        if (r.status === 'rejected')
          await rejectsWith(Promise.reject(r.reason), 'INVALID_ARGUMENT');
      }
      await f.db.release(ctx);
      assert.equal(inUse(), 0);
    });

    void it('a broken execution context is a service bug, not a script error', async () => {
      await assert.rejects(
        f.db.call(f.ctx('not-a-uuid'), 'query', ['SELECT 1']),
        (err: unknown) =>
          err instanceof Error && err.name === 'Error' && /not a UUID/.test(err.message),
      );
      await assert.rejects(f.db.call(f.ctx('not-a-uuid'), 'begin', []), /not a UUID/);
      assert.equal(inUse(), 0);
    });

    void it('release() rolls back an abandoned transaction and frees its connection', async () => {
      const ctx = f.ctx(f.tenantA);
      const tx = (await f.db.call(ctx, 'begin', [])) as string;
      await f.db.call(ctx, 'execute', [
        'INSERT INTO clients (name) VALUES ($1)',
        ['abandoned'],
        tx,
      ]);
      assert.equal(f.db.openTransactions, 1);
      assert.equal(inUse(), 1);
      await f.db.release(ctx);
      assert.equal(f.db.openTransactions, 0);
      assert.equal(inUse(), 0);
      assert.equal(await countNamed('abandoned'), 0);
      // The execution is over: later calls with its context are refused.
      await rejectsWith(f.db.call(ctx, 'begin', []), 'INVALID_ARGUMENT', /execution has ended/);
      await rejectsWith(f.db.call(ctx, 'query', ['SELECT 1']), 'INVALID_ARGUMENT');
      // Releasing an execution without transactions is harmless.
      await f.db.release(f.ctx(f.tenantB));
    });

    void it('release() during a running statement rolls the transaction back after it', async () => {
      const db = f.capability({ statementTimeoutMs: 2000 });
      const ctx = f.ctx(f.tenantA);
      const tx = (await db.call(ctx, 'begin', [])) as string;
      await db.call(ctx, 'execute', ['INSERT INTO clients (name) VALUES ($1)', ['mid-flight'], tx]);
      const marker = 'release-mid-flight';
      const slow = db.call(ctx, 'query', [
        `SELECT count(*) FROM generate_series(1, 100000) a CROSS JOIN generate_series(1, 100000) b
          /* ${marker} */`,
        [],
        tx,
      ]);
      const outcome = slow.then(
        () => null,
        (err: unknown) => err,
      );
      // Release only once the statement is running on the server.
      await waitFor(async () => {
        const r = await f.pool.query(
          `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1`,
          [`%/* ${marker} */%`],
        );
        return r.rowCount === 1;
      });
      await db.release(ctx);
      await rejectsWith(
        outcome.then((err) => Promise.reject(err)),
        'QUERY_TIMEOUT',
      );
      assert.equal(await countNamed('mid-flight'), 0);
      assert.equal(db.openTransactions, 0);
      assert.equal(inUse(), 0);
    });

    void it('a transaction left open past the execution deadline is rolled back', async () => {
      const ctx = f.ctx(f.tenantA, { deadline: Date.now() + 1000 });
      const tx = (await f.db.call(ctx, 'begin', [])) as string;
      await f.db.call(ctx, 'execute', ['INSERT INTO clients (name) VALUES ($1)', ['expired'], tx]);
      await waitFor(() => f.db.openTransactions === 0 && inUse() === 0);
      assert.equal(await countNamed('expired'), 0);
      await rejectsWith(
        f.db.call(ctx, 'execute', ['SELECT 1', [], tx]),
        'INVALID_ARGUMENT',
        /unknown or finished transaction/,
      );
    });
  });
}
