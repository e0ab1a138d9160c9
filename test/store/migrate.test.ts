// Migrations apply once, in order, even when several nodes start at the same moment.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPool } from '../../src/store/database.js';
import { loadMigrations, migrate } from '../../src/store/migrate.js';
import { createTestDatabase, testServers, type TestDatabase } from '../helpers/databases.js';

for (const server of testServers()) {
  describe(`migrations on ${server.name} PostgreSQL`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase(server);
    });
    after(async () => {
      await db.drop();
    });

    it('applies every migration exactly once when four nodes migrate at once', async () => {
      const pools = Array.from({ length: 4 }, () => createPool(db.url, 2));
      try {
        const results = await Promise.all(pools.map((p) => migrate(p)));
        const applied = results.flat();
        const expected = loadMigrations().map((m) => m.name);
        assert.deepEqual(
          [...applied].sort(),
          [...expected].sort(),
          'each migration applied by exactly one node',
        );
        const rows = await pools[0]!.query<{ version: number }>(
          'SELECT version FROM schema_migrations ORDER BY version',
        );
        assert.deepEqual(
          rows.rows.map((r) => r.version),
          loadMigrations().map((m) => m.version),
        );
        assert.deepEqual(await migrate(pools[0]!), [], 'a later start applies nothing');
      } finally {
        await Promise.all(pools.map((p) => p.end()));
      }
    });

    it('rolls back a failing migration and reports which one', async () => {
      const pool = createPool(db.url, 1);
      try {
        const bad = [
          {
            version: 9999,
            name: '9999_broken',
            sql: 'CREATE TABLE ok_part (id int); SELECT no_such_function();',
          },
        ];
        await assert.rejects(migrate(pool, bad), /Migration 9999_broken failed/);
        const t = await pool.query("SELECT to_regclass('ok_part') AS t");
        assert.equal(t.rows[0].t, null, 'the partial migration was rolled back');
      } finally {
        await pool.end();
      }
    });
  });
}
