// The embedded server: starts with no external servers, keeps every row across restarts, and
// recovers a data dir whose previous owner was killed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { silentLogger } from '../../src/lib/logger.js';
import { openDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jsruntime-embedded-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('initialises, migrates, and keeps rows after a stop and a new start', async () => {
    const port = await freePort();
    const first = await openDatabase({
      databaseUrl: null,
      dataDir,
      embeddedPort: port,
      logger: silentLogger,
    });
    assert.equal(first.embedded, true);
    await migrate(first.pool);
    await first.pool.query("INSERT INTO tenants (slug, name) VALUES ('persisted', 'Persisted')");
    await first.close();

    const second = await openDatabase({
      databaseUrl: null,
      dataDir,
      embeddedPort: port,
      logger: silentLogger,
    });
    try {
      assert.deepEqual(await migrate(second.pool), [], 'nothing to migrate on the second start');
      const r = await second.pool.query("SELECT name FROM tenants WHERE slug = 'persisted'");
      assert.equal(r.rows[0]?.name, 'Persisted');
    } finally {
      await second.close();
    }
  });

  it('refuses connections without the generated password', async () => {
    const port = await freePort();
    const db = await openDatabase({
      databaseUrl: null,
      dataDir,
      embeddedPort: port,
      logger: silentLogger,
    });
    try {
      const c = new pg.Client({
        connectionString: `postgres://postgres:wrong@127.0.0.1:${port}/jsruntime`,
      });
      await assert.rejects(c.connect(), /password authentication failed/);
      await c.end().catch(() => {});
    } finally {
      await db.close();
    }
  });
});
