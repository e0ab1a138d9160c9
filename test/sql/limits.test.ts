// sdk.db limits: 1000 rows per result (1001 → ROW_LIMIT), statement timeout (QUERY_TIMEOUT),
// parameter validation, and connections handed back to the pool after every outcome.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import { createSqlFixture, rejectsWith, type SqlFixture } from './fixture.js';

for (const server of testServers()) {
  void describe(`sdk.db limits (${server.name})`, () => {
    let f: SqlFixture;
    before(async () => {
      f = await createSqlFixture(server);
      const inserted = await f.db.call(f.ctx(f.tenantA), 'execute', [
        'INSERT INTO products (name, price, sku) SELECT $1 || n, n, $2 || n FROM generate_series(1, 1001) AS n',
        ['Product ', 'SKU-'],
      ]);
      assert.equal(inserted, 1001);
    });
    after(() => f.close());

    void it('1000 rows are returned', async () => {
      const rows = (await f.db.call(f.ctx(f.tenantA), 'query', [
        'SELECT id, name, price FROM products ORDER BY id LIMIT $1',
        [1000],
      ])) as { id: number; name: string; price: string }[];
      assert.equal(rows.length, 1000);
      assert.deepEqual(rows[0], { id: rows[0]?.id, name: 'Product 1', price: '1.00' });
    });

    void it('1001 rows → ROW_LIMIT', async () => {
      for (const method of ['query', 'queryOne', 'execute'] as const) {
        await rejectsWith(
          f.db.call(f.ctx(f.tenantA), method, ['SELECT * FROM products']),
          'ROW_LIMIT',
          /^Row limit exceeded - query returned more than 1000 rows$/,
        );
      }
      // The same cap holds for generated rows and for RETURNING.
      await rejectsWith(
        // In the select list the set-returning function streams (in FROM it would materialise).
        f.db.call(f.ctx(f.tenantA), 'query', ['SELECT generate_series(1, 100000000) AS n']),
        'ROW_LIMIT',
      );
      await rejectsWith(
        f.db.call(f.ctx(f.tenantA), 'query', [
          'UPDATE products SET stock = stock + 1 RETURNING id',
        ]),
        'ROW_LIMIT',
      );
      const stock = await f.pool.query('SELECT max(stock)::int AS s FROM tenant_data.products');
      assert.equal(stock.rows[0]?.s, 0, 'the refused UPDATE … RETURNING was rolled back');
    });

    void it('a result over the byte limit → ROW_LIMIT and the connection is replaced', async () => {
      const db = f.capability({ maxResultBytes: 1024 * 1024 });
      await rejectsWith(
        db.call(f.ctx(f.tenantA), 'query', ['SELECT repeat($1, 3000000) AS big', ['x']]),
        'ROW_LIMIT',
        /^Row limit exceeded - result larger than 1 MB$/,
      );
      await rejectsWith(
        db.call(f.ctx(f.tenantA), 'query', [
          'SELECT repeat($1, 10000) FROM generate_series(1, 200)',
          ['y'],
        ]),
        'ROW_LIMIT',
        /result larger than 1 MB/,
      );
      // Inside a transaction the lost connection ends the transaction.
      const ctx = f.ctx(f.tenantA);
      const tx = (await db.call(ctx, 'begin', [])) as string;
      await rejectsWith(
        db.call(ctx, 'query', ['SELECT repeat($1, 3000000)', ['z'], tx]),
        'ROW_LIMIT',
      );
      assert.equal(db.openTransactions, 0);
      await rejectsWith(db.call(ctx, 'commit', [tx]), 'INVALID_ARGUMENT');
      assert.equal(f.pool.totalCount - f.pool.idleCount, 0);
      assert.deepEqual(
        await db.call(f.ctx(f.tenantA), 'queryOne', [
          'SELECT length(repeat($1, 1000)) AS n',
          ['x'],
        ]),
        {
          n: 1000,
        },
      );
    });

    void it('execute() counts affected rows without a row limit', async () => {
      const n = await f.db.call(f.ctx(f.tenantA), 'execute', [
        'UPDATE products SET active = $1',
        [true],
      ]);
      assert.equal(n, 1001);
      assert.equal(
        await f.db.call(f.ctx(f.tenantB), 'execute', ['UPDATE products SET active = $1', [false]]),
        0,
      );
    });

    void it('a slow statement → QUERY_TIMEOUT, and the service stays healthy', async () => {
      const db = f.capability({ statementTimeoutMs: 300 });
      const started = Date.now();
      await rejectsWith(
        db.call(f.ctx(f.tenantA), 'query', [
          'SELECT count(*) FROM generate_series(1, 100000) a CROSS JOIN generate_series(1, 100000) b',
        ]),
        'QUERY_TIMEOUT',
        /^Query timeout - statement exceeded 300 ms$/,
      );
      assert.ok(Date.now() - started < 4000, 'stopped by the statement timeout');
      assert.deepEqual(await db.call(f.ctx(f.tenantA), 'queryOne', ['SELECT 1 AS ok']), { ok: 1 });
    });

    void it('a statement may not outlive the execution deadline', async () => {
      const db = f.capability({ statementTimeoutMs: 5000 });
      const started = Date.now();
      await rejectsWith(
        db.call(f.ctx(f.tenantA, { deadline: Date.now() + 600 }), 'query', [
          'SELECT count(*) FROM generate_series(1, 100000) a CROSS JOIN generate_series(1, 100000) b',
        ]),
        'QUERY_TIMEOUT',
        /^Query timeout - statement exceeded \d+ ms$/,
      );
      assert.ok(Date.now() - started < 3000);
    });

    void it('the default statement timeout is 5 s', async () => {
      const db = f.capability();
      assert.equal(db.name, 'db');
      assert.equal(db.perMinuteLimit, 60);
      const started = Date.now();
      await rejectsWith(
        db.call(f.ctx(f.tenantA), 'query', [
          'SELECT count(*) FROM generate_series(1, 100000) a CROSS JOIN generate_series(1, 100000) b',
        ]),
        'QUERY_TIMEOUT',
        /^Query timeout - statement exceeded 5 s$/,
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 4900 && elapsed < 9000, `stopped after ${elapsed} ms`);
    });

    void it('parameters are validated', async () => {
      const ctx = f.ctx(f.tenantA);
      const sql = 'SELECT $1::text AS v';
      await rejectsWith(
        f.db.call(ctx, 'query', [sql, 'x']),
        'INVALID_ARGUMENT',
        /params must be an array/,
      );
      await rejectsWith(
        f.db.call(ctx, 'query', [sql, Array.from({ length: 101 }, () => 1)]),
        'INVALID_ARGUMENT',
        /at most 100 parameters/,
      );
      await rejectsWith(f.db.call(ctx, 'query', [sql, [Number.NaN]]), 'INVALID_ARGUMENT');
      await rejectsWith(f.db.call(ctx, 'query', [sql, [() => 1]]), 'INVALID_ARGUMENT');
      await rejectsWith(f.db.call(ctx, 'query', [sql, [10n]]), 'INVALID_ARGUMENT');
      await rejectsWith(f.db.call(ctx, 'query', [42]), 'INVALID_ARGUMENT', /sql must be a string/);
      await rejectsWith(f.db.call(ctx, 'nope', []), 'INVALID_ARGUMENT', /unknown method db\.nope/);
      const values = await f.db.call(ctx, 'queryOne', [
        'SELECT $1::int AS n, $2::boolean AS b, $3::text AS t, $4::jsonb AS j, $5::int[] AS arr, $6::text AS missing',
        [7, false, 'ünïcode', { a: [1, 'two'] }, [1, 2, 3], null],
      ]);
      assert.deepEqual(values, {
        n: 7,
        b: false,
        t: 'ünïcode',
        j: { a: [1, 'two'] },
        arr: [1, 2, 3],
        missing: null,
      });
      const ids = await f.db.call(ctx, 'query', [
        'SELECT sku FROM products WHERE sku = ANY($1) ORDER BY sku',
        [['SKU-1', 'SKU-2', 'nope']],
      ]);
      assert.deepEqual(ids, [{ sku: 'SKU-1' }, { sku: 'SKU-2' }]);
    });

    void it('values come back JSON-friendly', async () => {
      const row = (await f.db.call(f.ctx(f.tenantA), 'queryOne', [
        `SELECT created_at, $1::date AS d, 9007199254740993::bigint AS big, 12::bigint AS small,
                1.10::numeric AS money FROM products LIMIT 1`,
        ['2024-02-29'],
      ])) as Record<string, unknown>;
      assert.match(String(row.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(row.d, '2024-02-29');
      assert.equal(row.big, '9007199254740993');
      assert.equal(row.small, 12);
      assert.equal(row.money, '1.10');
    });

    void it('every connection went back to the pool', async () => {
      assert.equal(f.pool.totalCount - f.pool.idleCount, 0);
      assert.equal(f.pool.waitingCount, 0);
    });
  });
}
