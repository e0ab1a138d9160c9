// Hostile SQL through sdk.db on a real database: everything but one SELECT/INSERT/UPDATE/DELETE
// on tenant_data is refused with UNAUTHORIZED_SQL, string literals with SQL_INJECTION, and the
// database is unchanged afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import { createSqlFixture, rejectsWith, type SqlFixture } from './fixture.js';

const UNAUTHORIZED: [label: string, sql: string][] = [
  ['CREATE TABLE', 'CREATE TABLE tenant_data.evil (id int)'],
  ['CREATE FUNCTION', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'],
  ['CREATE ROLE', 'CREATE ROLE evil SUPERUSER'],
  ['DROP TABLE', 'DROP TABLE clients'],
  ['ALTER TABLE', 'ALTER TABLE clients DISABLE ROW LEVEL SECURITY'],
  ['ALTER ROLE', 'ALTER ROLE jsruntime_script SUPERUSER'],
  ['TRUNCATE', 'TRUNCATE clients'],
  ['GRANT', 'GRANT ALL ON ALL TABLES IN SCHEMA public TO jsruntime_script'],
  ['REVOKE', 'REVOKE SELECT ON clients FROM jsruntime_script'],
  ['SET', 'SET search_path = public'],
  ['SET ROLE', 'SET ROLE postgres'],
  ['SET with literal', `SET app.tenant_id = 'x'`],
  ['RESET', 'RESET ROLE'],
  ['RESET ALL', 'RESET ALL'],
  ['SHOW', 'SHOW search_path'],
  ['set_config in select', 'SELECT set_config($1, $2, true)'],
  ['set_config with literals', `SELECT set_config('app.tenant_id', $1, false)`],
  [
    'set_config in CTE',
    'WITH s AS (SELECT set_config($1, $2, true) AS v) SELECT * FROM clients, s',
  ],
  [
    'set_config in subquery',
    'SELECT * FROM clients WHERE id IN (SELECT 1 FROM (SELECT set_config($1, $2, true)) AS s)',
  ],
  ['set_config in WHERE', 'SELECT * FROM clients WHERE set_config($1, $2, true) IS NOT NULL'],
  ['set_config in INSERT', 'INSERT INTO clients (name) VALUES (set_config($1, $2, true))'],
  ['set_config in ORDER BY', 'SELECT * FROM clients ORDER BY set_config($1, $2, true)'],
  ['qualified set_config', 'SELECT pg_catalog.set_config($1, $2, true)'],
  ['current_setting', 'SELECT current_setting($1)'],
  ['pg_sleep', 'SELECT pg_sleep(10)'],
  ['pg_sleep in lateral', 'SELECT * FROM clients, LATERAL (SELECT pg_sleep(1)) s'],
  ['pg_advisory_lock', 'SELECT pg_advisory_lock(1)'],
  ['pg_read_file', 'SELECT pg_read_file($1)'],
  ['pg_terminate_backend', 'SELECT pg_terminate_backend(1)'],
  ['lo_import', 'SELECT lo_import($1)'],
  ['query_to_xml', 'SELECT query_to_xml($1, true, true, $2)'],
  ['dblink', 'SELECT * FROM dblink($1, $2) AS t(a int)'],
  ['nextval', 'SELECT nextval($1)'],
  ['regclass cast', 'SELECT $1::regclass'],
  ['COPY to stdout', 'COPY clients TO STDOUT'],
  ['COPY from program', `COPY clients FROM PROGRAM 'id'`],
  ['pg_catalog.pg_user', 'SELECT * FROM pg_catalog.pg_user'],
  ['information_schema.tables', 'SELECT * FROM information_schema.tables'],
  ['pg_class', 'SELECT relname FROM pg_class'],
  ['unqualified pg_roles', 'SELECT rolname FROM pg_roles'],
  ['pg_authid in a join', 'SELECT * FROM clients c JOIN pg_authid a ON true'],
  ['public.tenants', 'SELECT * FROM public.tenants'],
  ['public.users', 'SELECT * FROM public.users'],
  ['public table in subquery', 'SELECT * FROM clients WHERE EXISTS (SELECT 1 FROM public.users)'],
  ['UPDATE public table', 'UPDATE public.tenants SET name = $1'],
  ['FOR UPDATE', 'SELECT * FROM clients FOR UPDATE'],
  ['FOR SHARE', 'SELECT * FROM clients FOR SHARE'],
  ['FOR UPDATE in subquery', 'SELECT * FROM (SELECT * FROM clients FOR NO KEY UPDATE) c'],
  ['multiple statements', 'SELECT 1; SELECT 2'],
  ['statement smuggled after select', 'SELECT 1; DROP TABLE clients'],
  ['DO block', 'DO $$ BEGIN PERFORM 1; END $$'],
  ['SELECT INTO', 'SELECT * INTO tenant_data.copy FROM clients'],
  ['LISTEN', 'LISTEN jobs'],
  ['NOTIFY', 'NOTIFY jobs'],
  ['UNLISTEN', 'UNLISTEN *'],
  ['EXPLAIN', 'EXPLAIN SELECT * FROM clients'],
  ['CALL', 'CALL p()'],
  ['PREPARE', 'PREPARE p AS SELECT 1'],
  ['EXECUTE', 'EXECUTE p'],
  ['BEGIN', 'BEGIN'],
  ['COMMIT', 'COMMIT'],
  ['VACUUM', 'VACUUM clients'],
  ['LOCK', 'LOCK TABLE clients'],
  ['MERGE', 'MERGE INTO clients c USING products p ON c.id = p.id WHEN MATCHED THEN DELETE'],
  ['CURRENT_USER', 'SELECT current_user'],
  ['version()', 'SELECT version()'],
];

const INJECTION: [label: string, sql: string][] = [
  ['plain literal', `SELECT * FROM clients WHERE name = 'alice'`],
  ['tautology', `SELECT * FROM clients WHERE name = '' OR '1' = '1'`],
  ['empty string', `SELECT ''`],
  ['cast literal', `SELECT 'x'::text`],
  ['escape string', `SELECT E'\\x41'`],
  ['dollar quoted', 'SELECT $$x$$'],
  ['tagged dollar quoted', 'SELECT $t$x$t$'],
  ['bit string', `SELECT B'101'`],
  ['hex string', `SELECT X'ff'`],
  ['unicode string', `SELECT U&'\\0041'`],
  ['national string', `SELECT N'x'`],
  ['typed literal', `SELECT * FROM orders WHERE created_at > date '2024-01-01'`],
  ['interval literal', `SELECT now() - interval '1 day'`],
  ['LIKE pattern', `SELECT * FROM clients WHERE email LIKE '%@example.com'`],
  ['literal in INSERT', `INSERT INTO clients (name) VALUES ('mallory')`],
  ['literal in CTE', `WITH x AS (SELECT 'a' AS v) SELECT * FROM x`],
  ['literal in UPDATE', `UPDATE clients SET notes = 'x' WHERE id = 1`],
  ['continued literal', `SELECT 'a'\n'b'`],
];

for (const server of testServers()) {
  void describe(`sdk.db refuses hostile SQL (${server.name})`, () => {
    let f: SqlFixture;
    before(async () => {
      f = await createSqlFixture(server);
      await f.db.call(f.ctx(f.tenantA), 'execute', [
        'INSERT INTO clients (name, email) VALUES ($1, $2)',
        ['Alice', 'alice@a.test'],
      ]);
    });
    after(() => f.close());

    for (const [label, sql] of UNAUTHORIZED) {
      void it(`${label} → UNAUTHORIZED_SQL`, async () => {
        for (const method of ['query', 'execute'] as const) {
          await rejectsWith(
            f.db.call(f.ctx(f.tenantB), method, [sql, ['app.tenant_id', f.tenantA]]),
            'UNAUTHORIZED_SQL',
            /^Unauthorized operation - /,
          );
        }
      });
    }

    for (const [label, sql] of INJECTION) {
      void it(`${label} → SQL_INJECTION`, async () => {
        await rejectsWith(
          f.db.call(f.ctx(f.tenantB), 'query', [sql, []]),
          'SQL_INJECTION',
          /^SQL injection detected - use \$1, \$2 … parameters instead of string literals$/,
        );
      });
    }

    void it('numbers, booleans and NULL may be literals; a hostile parameter is only data', async () => {
      const hostile = `x'); DROP TABLE clients; --`;
      const ctx = f.ctx(f.tenantB);
      const inserted = await f.db.call(ctx, 'queryOne', [
        'INSERT INTO clients (name, notes, metadata) VALUES ($1, $2, $3) RETURNING name, metadata',
        [hostile, '', { nested: { ok: true } }],
      ]);
      assert.deepEqual(inserted, { name: hostile, metadata: { nested: { ok: true } } });
      const rows = await f.db.call(ctx, 'query', [
        'SELECT 1 AS one, 2.5 AS half, true AS yes, NULL AS nothing, -3 AS neg FROM clients WHERE name = $1',
        [hostile],
      ]);
      assert.deepEqual(rows, [{ one: 1, half: '2.5', yes: true, nothing: null, neg: -3 }]);
    });

    void it('syntax errors → SQL_ERROR with the parser message', async () => {
      await rejectsWith(
        f.db.call(f.ctx(f.tenantA), 'query', ['SELEC * FROM clients']),
        'SQL_ERROR',
        /^Syntax error at or near "SELEC"$/,
      );
      await rejectsWith(f.db.call(f.ctx(f.tenantA), 'query', ['  ']), 'SQL_ERROR', /^Empty query/);
    });

    void it('the database is untouched after the attempts', async () => {
      const tables = await f.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'tenant_data'`,
      );
      assert.equal(tables.rows[0]?.n, 4);
      const rls = await f.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
          WHERE s.nspname = 'tenant_data' AND c.relkind = 'r'
            AND c.relrowsecurity AND c.relforcerowsecurity`,
      );
      assert.equal(rls.rows[0]?.n, 4);
      const role = await f.pool.query<{ rolsuper: boolean }>(
        `SELECT rolsuper FROM pg_roles WHERE rolname = 'jsruntime_script'`,
      );
      assert.equal(role.rows[0]?.rolsuper, false);
      const clients = await f.pool.query<{ name: string }>(
        'SELECT name FROM tenant_data.clients WHERE tenant_id = $1',
        [f.tenantA],
      );
      assert.deepEqual(clients.rows, [{ name: 'Alice' }]);
      const tenants = await f.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
      assert.equal(tenants.rows[0]?.n, 2);
    });
  });
}
