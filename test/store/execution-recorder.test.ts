// The execution recorder: group commit on its own connection with synchronous_commit off, rows
// visible to other sessions as soon as a write resolves, final states never overwritten, and
// the connection's setting never leaking into the shared pool.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import {
  createExecutionRecorder,
  type ExecutionWrite,
} from '../../src/dispatch/execution-recorder.js';
import { createPool } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDatabase, testServers, type TestDatabase } from '../helpers/databases.js';

for (const server of testServers()) {
  describe(`execution recorder on ${server.name} PostgreSQL`, () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let other: pg.Pool;
    let tenantId: string;
    let scriptId: string;
    before(async () => {
      db = await createTestDatabase(server);
      pool = createPool(db.url, 3);
      other = createPool(db.url, 1);
      await migrate(pool);
      tenantId = (
        await pool.query<{ id: string }>(
          `INSERT INTO tenants (slug, name) VALUES ('rec', 'Rec') RETURNING id`,
        )
      ).rows[0]!.id;
      scriptId = (
        await pool.query<{ id: string }>(
          `INSERT INTO scripts (tenant_id, name, source, language, compiled_code, type, limits)
           VALUES ($1, 'rec', 'return 1', 'javascript', 'x', 'oneoff', '{}') RETURNING id`,
          [tenantId],
        )
      ).rows[0]!.id;
    });
    after(async () => {
      await pool.end();
      await other.end();
      await db.drop();
    });

    const write = (id: string, status: ExecutionWrite['status']): ExecutionWrite => ({
      id,
      tenantId,
      scriptId,
      scriptVersion: 1,
      status,
      triggerType: 'manual',
      triggerData: {},
      input: { n: 1 },
      output: status === 'completed' ? { ok: true } : undefined,
      logs: [],
      metrics: { durationMs: 1 },
      attempt: 1,
      userId: null,
      nodeId: 'test',
      startedAt: new Date(),
      completedAt: status === 'running' ? null : new Date(),
    });

    it('makes 500 concurrent writes visible to another session once they resolve', async () => {
      const recorder = createExecutionRecorder(pool);
      const ids = Array.from({ length: 500 }, () => randomUUID());
      await Promise.all(ids.map((id) => recorder.write(write(id, 'completed'))));
      const seen = await other.query<{ n: string }>(
        `SELECT count(*) AS n FROM script_executions WHERE id = ANY($1) AND status = 'completed'`,
        [ids],
      );
      assert.equal(Number(seen.rows[0]!.n), 500);
      await recorder.drain();
    });

    it('never lets a late running state overwrite a final one', async () => {
      const recorder = createExecutionRecorder(pool);
      const id = randomUUID();
      await recorder.write(write(id, 'failed'));
      await recorder.write(write(id, 'running'));
      const row = await other.query<{ status: string }>(
        'SELECT status FROM script_executions WHERE id = $1',
        [id],
      );
      assert.equal(row.rows[0]!.status, 'failed');
      await recorder.drain();
    });

    it('writes through one connection of its own and leaves the pool setting alone', async () => {
      const recorder = createExecutionRecorder(pool);
      await recorder.write(write(randomUUID(), 'completed'));
      const settings = await pool.query<{ setting: string }>(
        `SELECT current_setting('synchronous_commit') AS setting`,
      );
      assert.equal(settings.rows[0]!.setting, 'on', 'a pooled connection keeps the default');
      // The recorder holds exactly one connection while it is in use, and none after drain.
      assert.equal(pool.totalCount - pool.idleCount, 1);
      await recorder.drain();
      assert.equal(pool.totalCount - pool.idleCount, 0);
      // A write after drain reconnects.
      const id = randomUUID();
      await recorder.write(write(id, 'completed'));
      const row = await other.query('SELECT 1 FROM script_executions WHERE id = $1', [id]);
      assert.equal(row.rowCount, 1);
      await recorder.drain();
    });
  });
}
