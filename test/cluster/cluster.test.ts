// Three node processes on one PostgreSQL (+ Redis when REDIS_URL is set): events run exactly
// once per subscriber, an every-minute schedule fires exactly once per minute for 3 minutes,
// and kill -9 of a node with running executions leaves none running while the others keep
// answering /hooks. Runs on the machine's PostgreSQL when DATABASE_URL is set (CI), else on the
// embedded test server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, testServers, type TestDatabase } from '../helpers/databases.js';
import { startNode, type NodeProcess } from '../helpers/node-process.js';
import { ADMIN_TOKEN, apiClient } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

const server = testServers().find((s) => s.name === 'external') ?? testServers()[0]!;

describe(`cluster of 3 nodes on ${server.name} PostgreSQL${process.env.REDIS_URL ? ' and Redis' : ''}`, () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const nodes: NodeProcess[] = [];

  before(async () => {
    db = await createTestDatabase(server);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    const env: Record<string, string> = {
      DATABASE_URL: db.url,
      JSRUNTIME_ADMIN_TOKEN: ADMIN_TOKEN,
      JSRUNTIME_ADMIN_PASSWORD: 'cluster-admin-password',
      SANDBOX_PROCESSES: '1',
      TENANT_MAX_CONCURRENCY: '50',
      SHUTDOWN_GRACE_MS: '2000',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    };
    // Started together: they race to migrate and bootstrap.
    nodes.push(
      ...(await Promise.all(['node-a', 'node-b', 'node-c'].map((id) => startNode(id, env)))),
    );
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await pool.end();
    await db.drop();
  });

  it('migrated and bootstrapped once with three nodes starting at once', async () => {
    const admins = await pool.query(
      "SELECT count(*)::int AS n FROM users WHERE email = 'admin@jsruntime.local'",
    );
    assert.equal(admins.rows[0].n, 1);
    const tenants = await pool.query(
      "SELECT count(*)::int AS n FROM tenants WHERE slug = 'default'",
    );
    assert.equal(tenants.rows[0].n, 1);
    const beats = await pool.query('SELECT id FROM nodes WHERE stopped_at IS NULL ORDER BY id');
    assert.deepEqual(
      beats.rows.map((r) => r.id),
      ['node-a', 'node-b', 'node-c'],
    );
  });

  it('runs each subscribed script exactly once per event for 200 host events', async () => {
    const api = apiClient(nodes[0]!.base, ADMIN_TOKEN);
    const ids: string[] = [];
    for (const name of ['Cluster receiver 1', 'Cluster receiver 2']) {
      const r = await api.post('/api/v1/scripts', {
        name,
        type: 'event',
        status: 'active',
        eventTypes: ['cluster.order.paid'],
        source: 'return context.trigger.eventPayload.n;',
      });
      assert.equal(r.status, 201, r.text);
      ids.push(r.json().id);
    }
    const eventIds: string[] = [];
    for (let i = 0; i < 200; i++) {
      const node = nodes[i % 3]!;
      const r = await apiClient(node.base, ADMIN_TOKEN).post('/api/v1/events', {
        type: 'cluster.order.paid',
        payload: { n: i },
      });
      assert.equal(r.status, 202);
      eventIds.push(r.json().eventId);
    }
    await waitFor(
      '400 completed event executions',
      async () => {
        const r = await pool.query(
          "SELECT count(*)::int AS n FROM script_executions WHERE trigger_type = 'event' AND status = 'completed' AND script_id = ANY($1)",
          [ids],
        );
        return r.rows[0].n >= 400;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const per = await pool.query(
      `SELECT script_id, trigger_data->>'eventId' AS event_id, count(*)::int AS n
         FROM script_executions WHERE script_id = ANY($1) GROUP BY 1, 2`,
      [ids],
    );
    assert.equal(per.rows.length, 400);
    assert.ok(
      per.rows.every((r) => r.n === 1),
      'no event ran twice for a script',
    );
    assert.deepEqual(new Set(per.rows.map((r) => r.event_id)), new Set(eventIds));
    const spread = await pool.query(
      'SELECT count(DISTINCT node_id)::int AS n FROM script_executions WHERE script_id = ANY($1)',
      [ids],
    );
    assert.ok(spread.rows[0].n >= 2, 'work was shared between nodes');
  });

  it(
    'fires an every-minute schedule exactly once per minute across the nodes for 3 minutes',
    { timeout: 300_000 },
    async () => {
      const api = apiClient(nodes[1]!.base, ADMIN_TOKEN);
      const r = await api.post('/api/v1/scripts', {
        name: 'Every minute',
        type: 'scheduled',
        status: 'active',
        cronExpression: '* * * * *',
        source: 'return 1;',
      });
      assert.equal(r.status, 201, r.text);
      const id = r.json().id;
      const rows = await waitFor(
        'three scheduled runs',
        async () => {
          const q = await pool.query(
            "SELECT (trigger_data->>'scheduledAt')::timestamptz AS tick, node_id FROM script_executions WHERE script_id = $1 AND trigger_type = 'cron' ORDER BY 1",
            [id],
          );
          return q.rows.length >= 3 ? q.rows : null;
        },
        { timeoutMs: 240_000, intervalMs: 1000 },
      );
      const ticks = rows.map((x) => (x.tick as Date).toISOString());
      assert.equal(new Set(ticks).size, ticks.length, `each tick once: ${ticks.join(', ')}`);
      for (let i = 1; i < ticks.length; i++) {
        assert.equal(
          new Date(ticks[i]!).getTime() - new Date(ticks[i - 1]!).getTime(),
          60_000,
          'one run per minute',
        );
      }
      for (const t of ticks) assert.equal(new Date(t).getUTCSeconds(), 0);
    },
  );

  it(
    'leaves no execution running after kill -9 of a node, and the others keep answering /hooks',
    { timeout: 180_000 },
    async () => {
      const api = apiClient(nodes[0]!.base, ADMIN_TOKEN);
      const hook = await api.post('/api/v1/scripts', {
        name: 'Cluster hook',
        type: 'http',
        status: 'active',
        httpPath: '/ping',
        httpMethods: ['GET'],
        httpAuth: 'public',
        source: 'return { pong: true };',
      });
      assert.equal(hook.status, 201);
      const spin = await api.post('/api/v1/scripts', {
        name: 'Spinner',
        type: 'oneoff',
        limits: { maxExecutionTimeMs: 120000, maxConcurrentRuns: 20 },
        source: 'await null;\nwhile (true) {}',
      });
      const spinId = spin.json().id;
      for (let i = 0; i < 6; i++) await api.post(`/api/v1/scripts/${spinId}/executions`, {});
      const victim = nodes[2]!;
      await waitFor(
        'a spinner running on the victim',
        async () => {
          const q = await pool.query(
            "SELECT 1 FROM script_executions WHERE script_id = $1 AND status = 'running' AND node_id = $2",
            [spinId, victim.id],
          );
          return (q.rowCount ?? 0) > 0;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const killedAt = Date.now();
      await victim.kill9();
      for (const n of nodes.slice(0, 2)) {
        const r = await fetch(`${n.base}/hooks/default/ping`);
        assert.equal(r.status, 200);
        assert.deepEqual(await r.json(), { pong: true });
      }
      await waitFor(
        'no execution of the killed node left running',
        async () => {
          const q = await pool.query(
            "SELECT count(*)::int AS n FROM script_executions WHERE node_id = $1 AND status = 'running'",
            [victim.id],
          );
          return q.rows[0].n === 0;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      assert.ok(Date.now() - killedAt < 75_000, 'reaped within about a minute');
      const lost = await pool.query(
        "SELECT error->>'code' AS code FROM script_executions WHERE node_id = $1 AND status = 'failed'",
        [victim.id],
      );
      assert.ok(lost.rows.length > 0 && lost.rows.every((r) => r.code === 'NODE_LOST'));
      // Cancel the spinners still running on the living nodes so shutdown is quick.
      const running = await pool.query(
        "SELECT id FROM script_executions WHERE script_id = $1 AND status IN ('pending', 'running')",
        [spinId],
      );
      for (const row of running.rows) await api.post(`/api/v1/executions/${row.id}/cancel`);
      nodes.pop();
    },
  );
});
