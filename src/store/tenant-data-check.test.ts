// The start-up check refuses tenant_data tables without tenant_id, forced RLS or a policy, and a
// script role that can reach other tables.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  createTestDatabase,
  testServers,
  type TestDatabase,
} from '../../test/helpers/databases.js';
import { migrate } from './migrate.js';
import { checkTenantDataSchema } from './tenant-data-check.js';

for (const server of testServers()) {
  void describe(`checkTenantDataSchema (${server.name})`, () => {
    let database: TestDatabase;
    let pool: pg.Pool;
    before(async () => {
      database = await createTestDatabase(server);
      pool = new pg.Pool({ connectionString: database.url, max: 2 });
      pool.on('error', () => {}); // connections terminated by drop() at teardown
    });
    after(async () => {
      await pool.end();
      await database.drop();
    });

    void it('reports a database without the schema', async () => {
      assert.deepEqual(await checkTenantDataSchema(pool), ['schema tenant_data does not exist']);
    });

    void it('accepts the migrated starter schema', async () => {
      await migrate(pool);
      assert.deepEqual(await checkTenantDataSchema(pool), []);
    });

    void it('refuses a table without tenant_id, RLS and policy', async () => {
      await pool.query('CREATE TABLE tenant_data.bad (id int)');
      try {
        assert.deepEqual(await checkTenantDataSchema(pool), [
          'table tenant_data.bad has no tenant_id column',
          'table tenant_data.bad does not ENABLE ROW LEVEL SECURITY',
          'table tenant_data.bad does not FORCE ROW LEVEL SECURITY',
          'table tenant_data.bad has no row-level security policy',
        ]);
      } finally {
        await pool.query('DROP TABLE tenant_data.bad');
      }
    });

    void it('refuses RLS that is enabled but not forced, or has no policy, or a text tenant_id', async () => {
      await pool.query(`CREATE TABLE tenant_data.half (id int, tenant_id text NOT NULL);
        ALTER TABLE tenant_data.half ENABLE ROW LEVEL SECURITY`);
      try {
        assert.deepEqual(await checkTenantDataSchema(pool), [
          'table tenant_data.half: tenant_id must be uuid, not text',
          'table tenant_data.half does not FORCE ROW LEVEL SECURITY',
          'table tenant_data.half has no row-level security policy',
        ]);
      } finally {
        await pool.query('DROP TABLE tenant_data.half');
      }
    });

    void it('refuses views that bypass RLS and materialized views', async () => {
      await pool.query(`CREATE VIEW tenant_data.all_clients AS SELECT * FROM tenant_data.clients;
        CREATE MATERIALIZED VIEW tenant_data.client_names AS SELECT name FROM tenant_data.clients`);
      try {
        assert.deepEqual(await checkTenantDataSchema(pool), [
          'view tenant_data.all_clients must have security_invoker = true',
          'tenant_data.client_names is a materialized view, which cannot have row-level security',
        ]);
      } finally {
        await pool.query(`DROP VIEW tenant_data.all_clients;
          DROP MATERIALIZED VIEW tenant_data.client_names`);
      }
    });

    void it('accepts an operator table done right, which gets the script grants by default', async () => {
      await pool.query(`CREATE TABLE tenant_data.invoices (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          tenant_id uuid NOT NULL DEFAULT current_setting('app.tenant_id')::uuid,
          amount numeric NOT NULL);
        ALTER TABLE tenant_data.invoices ENABLE ROW LEVEL SECURITY;
        ALTER TABLE tenant_data.invoices FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON tenant_data.invoices
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
      try {
        assert.deepEqual(await checkTenantDataSchema(pool), []);
        const grants = await pool.query<{ ok: boolean }>(
          `SELECT has_table_privilege('jsruntime_script', 'tenant_data.invoices', 'SELECT')
              AND has_table_privilege('jsruntime_script', 'tenant_data.invoices', 'INSERT')
              AND has_sequence_privilege('jsruntime_script',
                    pg_get_serial_sequence('tenant_data.invoices', 'id'), 'USAGE') AS ok`,
        );
        assert.equal(grants.rows[0]?.ok, true);
      } finally {
        await pool.query('DROP TABLE tenant_data.invoices');
      }
    });

    void it('refuses a script role that can reach control-plane tables', async () => {
      await pool.query('GRANT USAGE ON SCHEMA public TO jsruntime_script');
      await pool.query('GRANT SELECT ON public.users TO jsruntime_script');
      try {
        assert.deepEqual(await checkTenantDataSchema(pool), [
          'role jsruntime_script can access public.users',
        ]);
      } finally {
        await pool.query('REVOKE SELECT ON public.users FROM jsruntime_script');
        await pool.query('REVOKE USAGE ON SCHEMA public FROM jsruntime_script');
      }
      assert.deepEqual(await checkTenantDataSchema(pool), []);
    });

    void it('migrating again is a no-op and the role is as restricted as ever', async () => {
      assert.deepEqual(await migrate(pool), []);
      const role = await pool.query(
        `SELECT rolcanlogin, rolsuper, rolbypassrls, rolinherit FROM pg_roles
          WHERE rolname = 'jsruntime_script'`,
      );
      assert.deepEqual(role.rows, [
        { rolcanlogin: false, rolsuper: false, rolbypassrls: false, rolinherit: false },
      ]);
    });
  });
}
