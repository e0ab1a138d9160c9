// Tenant isolation of sdk.db is enforced by PostgreSQL (RLS + restricted role): tenant B never
// reads or changes tenant A's rows, whatever tenant id it passes as a parameter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import { createSqlFixture, rejectsWith, type SqlFixture } from './fixture.js';
import type { SqlGate } from '../../src/runtime/sdk/db/sql-gate.js';

interface ClientRow {
  id: number;
  tenant_id: string;
  name: string;
}

for (const server of testServers()) {
  void describe(`sdk.db tenant isolation (${server.name})`, () => {
    let f: SqlFixture;
    let aliceId: number;
    let orderA: number;

    before(async () => {
      f = await createSqlFixture(server);
      const a = f.ctx(f.tenantA);
      const alice = (await f.db.call(a, 'queryOne', [
        'INSERT INTO clients (name, email) VALUES ($1, $2) RETURNING *',
        ['Alice', 'alice@a.test'],
      ])) as ClientRow;
      aliceId = alice.id;
      const order = (await f.db.call(a, 'queryOne', [
        'INSERT INTO orders (client_id, total, lines) VALUES ($1, $2, $3) RETURNING id',
        [aliceId, 19.9, [{ sku: 'A-1', quantity: 1 }]],
      ])) as { id: number };
      orderA = order.id;
      await f.db.call(a, 'execute', [
        'INSERT INTO payments (order_id, amount) VALUES ($1, $2)',
        [orderA, 19.9],
      ]);
      await f.db.call(f.ctx(f.tenantB), 'execute', [
        'INSERT INTO clients (name) VALUES ($1)',
        ['Bob'],
      ]);
    });
    after(() => f.close());

    void it('INSERT gets tenant_id automatically', async () => {
      const row = (await f.db.call(f.ctx(f.tenantA), 'queryOne', [
        'SELECT * FROM clients WHERE id = $1',
        [aliceId],
      ])) as ClientRow;
      assert.equal(row.tenant_id, f.tenantA);
      assert.equal(typeof row.id, 'number');
      const bob = await f.pool.query('SELECT tenant_id FROM tenant_data.clients WHERE name = $1', [
        'Bob',
      ]);
      assert.equal(bob.rows[0]?.tenant_id, f.tenantB);
    });

    void it('each tenant reads only its own rows', async () => {
      const a = await f.db.call(f.ctx(f.tenantA), 'query', [
        'SELECT name FROM clients ORDER BY id',
      ]);
      const b = await f.db.call(f.ctx(f.tenantB), 'query', [
        'SELECT name FROM clients ORDER BY id',
      ]);
      assert.deepEqual(a, [{ name: 'Alice' }]);
      assert.deepEqual(b, [{ name: 'Bob' }]);
    });

    void it("B cannot read A's rows even naming A's tenant id and row id", async () => {
      const b = f.ctx(f.tenantB);
      for (const sql of [
        'SELECT * FROM clients WHERE tenant_id = $1',
        'SELECT * FROM tenant_data.clients WHERE tenant_id = $1::uuid',
        'SELECT o.* FROM orders o WHERE o.tenant_id = $1 UNION ALL SELECT o.* FROM orders o WHERE o.tenant_id = $1',
        'WITH x AS (SELECT * FROM payments WHERE tenant_id = $1) SELECT * FROM x',
        'SELECT * FROM clients WHERE id IN (SELECT client_id FROM orders WHERE tenant_id = $1)',
      ]) {
        assert.deepEqual(await f.db.call(b, 'query', [sql, [f.tenantA]]), [], sql);
      }
      // Widening the filter only widens it within B's rows.
      const widened = (await f.db.call(b, 'query', [
        'SELECT tenant_id, name FROM clients WHERE tenant_id = $1 OR true',
        [f.tenantA],
      ])) as ClientRow[];
      assert.deepEqual(widened, [{ tenant_id: f.tenantB, name: 'Bob' }]);
      assert.equal(
        await f.db.call(b, 'queryOne', ['SELECT * FROM clients WHERE id = $1', [aliceId]]),
        null,
      );
      const counts = await f.db.call(b, 'queryOne', [
        `SELECT (SELECT count(*) FROM clients) AS clients, (SELECT count(*) FROM orders) AS orders,
                (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM products) AS products`,
      ]);
      assert.deepEqual(counts, { clients: 1, orders: 0, payments: 0, products: 0 });
    });

    void it("B's UPDATE and DELETE do not reach A's rows", async () => {
      const b = f.ctx(f.tenantB);
      assert.equal(
        await f.db.call(b, 'execute', [
          'UPDATE clients SET name = $1 WHERE id = $2',
          ['pwned', aliceId],
        ]),
        0,
      );
      assert.equal(
        await f.db.call(b, 'execute', [
          'UPDATE clients SET name = $1 WHERE tenant_id = $2',
          ['pwned', f.tenantA],
        ]),
        0,
      );
      assert.equal(
        await f.db.call(b, 'execute', ['DELETE FROM payments WHERE order_id = $1', [orderA]]),
        0,
      );
      assert.equal(
        await f.db.call(b, 'execute', ['DELETE FROM orders WHERE tenant_id = $1', [f.tenantA]]),
        0,
      );
      const aRows = await f.pool.query(
        'SELECT name FROM tenant_data.clients WHERE tenant_id = $1',
        [f.tenantA],
      );
      assert.deepEqual(aRows.rows, [{ name: 'Alice' }]);
      const payments = await f.pool.query('SELECT count(*)::int AS n FROM tenant_data.payments');
      assert.equal(payments.rows[0]?.n, 1);
    });

    void it("B cannot insert or move rows into A's tenant (RLS WITH CHECK)", async () => {
      const b = f.ctx(f.tenantB);
      await rejectsWith(
        f.db.call(b, 'execute', [
          'INSERT INTO clients (tenant_id, name) VALUES ($1, $2)',
          [f.tenantA, 'planted'],
        ]),
        'SQL_ERROR',
        /row-level security policy/,
      );
      await rejectsWith(
        f.db.call(b, 'execute', ['UPDATE clients SET tenant_id = $1', [f.tenantA]]),
        'SQL_ERROR',
        /row-level security policy/,
      );
      const planted = await f.pool.query('SELECT 1 FROM tenant_data.clients WHERE name = $1', [
        'planted',
      ]);
      assert.equal(planted.rowCount, 0);
    });

    void it("B cannot attach its rows to A's rows by id (tenant-scoped foreign keys)", async () => {
      await rejectsWith(
        f.db.call(f.ctx(f.tenantB), 'execute', [
          'INSERT INTO orders (client_id, total) VALUES ($1, $2)',
          [aliceId, 1],
        ]),
        'SQL_ERROR',
        /foreign key constraint/,
      );
      await rejectsWith(
        f.db.call(f.ctx(f.tenantB), 'execute', [
          'INSERT INTO payments (order_id, amount) VALUES ($1, $2)',
          [orderA, 1],
        ]),
        'SQL_ERROR',
        /foreign key constraint/,
      );
    });

    void it('errors carry the PostgreSQL message and no internals', async () => {
      const err = await rejectsWith(
        f.db.call(f.ctx(f.tenantA), 'query', ['SELECT nope FROM clients']),
        'SQL_ERROR',
      );
      assert.equal(err.message, 'SQL error - column "nope" does not exist');
      await rejectsWith(
        f.db.call(f.ctx(f.tenantA), 'query', ['SELECT * FROM no_such_table']),
        'SQL_ERROR',
        /relation "no_such_table" does not exist/,
      );
    });

    void it('the database enforces isolation even if the SQL gate lets everything through', async () => {
      const openGate: SqlGate = {
        ready: () => Promise.resolve(),
        check: () => ({ ok: true, command: 'select' }),
      };
      const raw = f.capability({ gate: openGate });
      const b = f.ctx(f.tenantB);
      assert.deepEqual(
        await raw.call(b, 'query', ['SELECT name FROM clients WHERE tenant_id = $1', [f.tenantA]]),
        [],
      );
      await rejectsWith(
        raw.call(b, 'query', ['SELECT * FROM public.tenants']),
        'UNAUTHORIZED_SQL',
        /permission denied/,
      );
      await rejectsWith(
        raw.call(b, 'query', ['SELECT * FROM public.users']),
        'UNAUTHORIZED_SQL',
        /permission denied/,
      );
      await rejectsWith(
        raw.call(b, 'execute', ['CREATE TABLE tenant_data.evil (id int)']),
        'UNAUTHORIZED_SQL',
        /permission denied/,
      );
      await rejectsWith(
        raw.call(b, 'execute', ['ALTER TABLE clients NO FORCE ROW LEVEL SECURITY']),
        'UNAUTHORIZED_SQL',
        /must be owner/,
      );
      await rejectsWith(
        raw.call(b, 'query', ['SELECT 1; SELECT 2']),
        'SQL_ERROR',
        /multiple commands/,
      );
      // Settings do not outlive the call: the next statement is tenant A again.
      const a = f.ctx(f.tenantA);
      assert.deepEqual(await raw.call(a, 'query', ['SELECT name FROM clients']), [
        { name: 'Alice' },
      ]);
    });

    void it('deleting a tenant removes its data and only its data (runs last)', async () => {
      await f.pool.query('DELETE FROM tenants WHERE id = $1', [f.tenantA]);
      const left = await f.pool.query<{ tenant_id: string; n: number }>(
        `SELECT tenant_id, count(*)::int AS n FROM (
           SELECT tenant_id FROM tenant_data.clients UNION ALL SELECT tenant_id FROM tenant_data.orders
           UNION ALL SELECT tenant_id FROM tenant_data.payments) t GROUP BY tenant_id`,
      );
      assert.deepEqual(left.rows, [{ tenant_id: f.tenantB, n: 1 }]);
    });
  });
}
