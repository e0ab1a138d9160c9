// Hooks and invoke answer from each node's cached script directory: a warm request reads no
// script, endpoint, version or tenant row, and a change made through one node (path, code,
// methods, status, name, deletion) is seen by another node on the same database as soon as the
// NOTIFY of its transaction arrives — also when that node's listener lost its connection and
// missed notifications meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { startService, type Service } from '../../src/service.js';
import { testServers } from '../helpers/databases.js';
import { ADMIN_TOKEN, apiClient, startTestService, type TestService } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

/** Statements that read what the script directory and the target cache hold. */
const LOOKUP_SQL = /\bFROM\s+(scripts|script_http_endpoints|script_versions|tenants)\b/i;

for (const server of testServers()) {
  describe(`script changes across nodes on ${server.name} PostgreSQL`, () => {
    let a: TestService;
    let b: Service;
    let bBase = '';
    let api: ReturnType<typeof apiClient>;

    const create = async (fields: Record<string, unknown>): Promise<string> => {
      const r = await api.post('/api/v1/scripts', { status: 'active', ...fields });
      assert.equal(r.status, 201, r.text);
      return r.json().id;
    };
    const hookOn = async (base: string, path: string, method = 'GET') => {
      const r = await fetch(`${base}/hooks/default${path}`, { method });
      return { status: r.status, body: await r.text() };
    };
    const bHits = () => b.engine.scriptDirectory.stats().hits;
    const tenantId = () => a.service.bootstrap.tenantId;
    /** Node B's cached directory lists this endpoint (not just the database fallback). */
    const bHasRoute = async (path: string) =>
      (await b.engine.scriptDirectory.hookRoutes(tenantId())).some((r) => r.httpPath === path);
    /** Waits until node B answers as expected (it may take until the notification arrives). */
    const untilB = (what: string, probe: () => Promise<boolean>) => waitFor(what, probe);

    before(async () => {
      a = await startTestService(server);
      api = apiClient(a.base, ADMIN_TOKEN);
      // A second node of the same cluster: same database, same Redis keys, web role only.
      b = await startService(
        loadConfig({
          DATABASE_URL: a.db.url,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          SANDBOX_PROCESSES: '1',
          JSRUNTIME_ROLE: 'web',
          NODE_ID: 'node-b',
          REDIS_KEY_PREFIX: a.service.config.redisKeyPrefix,
          ...(a.service.config.redisUrl ? { REDIS_URL: a.service.config.redisUrl } : {}),
        }),
        silentLogger,
      );
      bBase = `http://127.0.0.1:${b.port}`;
    });
    after(async () => {
      await b?.stop();
      await a?.stop();
    });

    it('answers a warm hook request without reading scripts, endpoints, versions or tenants', async () => {
      await create({
        name: 'Warm hook',
        type: 'http',
        httpPath: '/warm',
        httpMethods: ['GET'],
        httpAuth: 'public',
        source: 'return { warm: true };',
      });
      assert.equal((await hookOn(a.base, '/warm')).status, 200);
      const pool = a.service.database.pool;
      const statements: string[] = [];
      const query = pool.query.bind(pool);
      pool.query = ((text: unknown, ...rest: unknown[]) => {
        statements.push(
          typeof text === 'string' ? text : String((text as { text?: unknown }).text),
        );
        return (query as (...args: unknown[]) => unknown)(text, ...rest);
      }) as typeof pool.query;
      const hitsBefore = a.service.engine.scriptDirectory.stats().hits;
      try {
        for (let i = 0; i < 5; i++) {
          assert.deepEqual(await hookOn(a.base, '/warm'), { status: 200, body: '{"warm":true}' });
        }
      } finally {
        delete (pool as { query?: unknown }).query;
      }
      const lookups = statements.filter((s) => LOOKUP_SQL.test(s));
      assert.deepEqual(lookups, [], 'no look-up on the warm path');
      assert.ok(a.service.engine.scriptDirectory.stats().hits >= hitsBefore + 5);
    });

    it('sees a changed path, code, methods, status and deletion of an endpoint', async () => {
      const id = await create({
        name: 'Moving hook',
        type: 'http',
        httpPath: '/moving',
        httpMethods: ['GET'],
        httpAuth: 'public',
        source: "return 'v1';",
      });
      assert.deepEqual(await hookOn(bBase, '/moving'), { status: 200, body: '"v1"' });
      await untilB("the endpoint in node B's cache", () => bHasRoute('/moving'));
      const hits = bHits();
      assert.deepEqual(await hookOn(bBase, '/moving'), { status: 200, body: '"v1"' });
      assert.ok(bHits() > hits, 'node B answered from its cache');

      assert.equal((await api.put(`/api/v1/scripts/${id}`, { httpPath: '/moved' })).status, 200);
      await untilB('the old path gone on node B', async () => {
        return (await hookOn(bBase, '/moving')).status === 404;
      });
      assert.deepEqual(await hookOn(bBase, '/moved'), { status: 200, body: '"v1"' });

      assert.equal(
        (await api.put(`/api/v1/scripts/${id}`, { source: "return 'v2';" })).status,
        200,
      );
      await untilB('the new code on node B', async () => {
        return (await hookOn(bBase, '/moved')).body === '"v2"';
      });

      assert.equal((await api.put(`/api/v1/scripts/${id}`, { httpMethods: ['POST'] })).status, 200);
      await untilB('GET refused on node B', async () => {
        return (await hookOn(bBase, '/moved')).status === 405;
      });
      assert.deepEqual(await hookOn(bBase, '/moved', 'POST'), { status: 200, body: '"v2"' });

      const restore = await api.post(`/api/v1/scripts/${id}/versions/1/restore`);
      assert.equal(restore.status, 201, restore.text);
      await untilB('version 1 restored on node B', async () => {
        return (await hookOn(bBase, '/moving')).body === '"v1"';
      });

      const pause = await api.post(`/api/v1/scripts/${id}/status`, { action: 'pause' });
      assert.equal(pause.status, 200, pause.text);
      await untilB('the paused endpoint gone on node B', async () => {
        return (await hookOn(bBase, '/moving')).status === 404;
      });
      assert.equal(
        (await api.post(`/api/v1/scripts/${id}/status`, { action: 'resume' })).status,
        200,
      );
      assert.equal((await hookOn(bBase, '/moving')).status, 200);

      assert.equal((await api.delete(`/api/v1/scripts/${id}`)).status, 204);
      await untilB('the deleted endpoint gone on node B', async () => {
        return (await hookOn(bBase, '/moving')).status === 404;
      });
    });

    it('sees a renamed, paused and deleted embedded script in invoke', async () => {
      const id = await create({ name: 'Greeter', type: 'embedded', source: "return 'hello';" });
      assert.equal((await b.invoke('default', 'Greeter')).output, 'hello');
      await untilB("the script in node B's cache", async () => {
        return (await b.engine.scriptDirectory.invocable(tenantId(), 'Greeter'))?.id === id;
      });
      const hits = bHits();
      assert.equal((await b.invoke('default', id)).output, 'hello');
      assert.ok(bHits() > hits, 'node B answered from its cache');

      assert.equal((await api.put(`/api/v1/scripts/${id}`, { name: 'Greeter 2' })).status, 200);
      await untilB('the old name unknown on node B', async () => {
        const r = await b.invoke('default', 'Greeter').then(
          () => null,
          (err: { code?: string }) => err.code,
        );
        return r === 'NOT_FOUND';
      });
      assert.equal((await b.invoke('default', 'Greeter 2')).output, 'hello');

      assert.equal(
        (await api.post(`/api/v1/scripts/${id}/status`, { action: 'pause' })).status,
        200,
      );
      await untilB('the paused script refused on node B', async () => {
        const r = await b.invoke('default', id).then(
          () => null,
          (err: { code?: string }) => err.code,
        );
        return r === 'INVALID_TRANSITION';
      });

      assert.equal(
        (await api.post(`/api/v1/scripts/${id}/status`, { action: 'resume' })).status,
        200,
      );
      assert.equal((await b.invoke('default', 'Greeter 2')).output, 'hello');
      assert.equal((await api.delete(`/api/v1/scripts/${id}`)).status, 204);
      await untilB('the deleted script unknown on node B', async () => {
        const r = await b.invoke('default', 'Greeter 2').then(
          () => null,
          (err: { code?: string }) => err.code,
        );
        return r === 'NOT_FOUND';
      });
    });

    it('starts afresh after the listener reconnects, so a missed notification does no harm', async () => {
      const id = await create({
        name: 'Unheard hook',
        type: 'http',
        httpPath: '/unheard',
        httpMethods: ['GET'],
        httpAuth: 'public',
        source: "return 'on';",
      });
      assert.equal((await hookOn(bBase, '/unheard')).status, 200);
      await untilB("the endpoint in node B's cache", () => bHasRoute('/unheard'));
      // A change whose notification nobody hears (as if sent while node B was disconnected).
      const pool = a.service.database.pool;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('ALTER TABLE scripts DISABLE TRIGGER USER');
        await client.query("UPDATE scripts SET status = 'paused' WHERE id = $1", [id]);
        await client.query('ALTER TABLE scripts ENABLE TRIGGER USER');
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      // The premise: node B still answers from its cache.
      assert.equal((await hookOn(bBase, '/unheard')).status, 200);

      const listeners = await pool.query<{ pid: number }>(
        `SELECT pg_terminate_backend(pid) AS ok, pid FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND query IN ('LISTEN jsruntime_scripts', 'SELECT 1')`,
      );
      assert.ok(listeners.rows.length >= 2, 'both nodes had a listener');
      // Until node B notices, it answers 200 from the stale entry; then from the database while
      // it reconnects; then from a cache started afresh.
      await untilB('node B answering from a fresh cache', async () => {
        const hits = bHits();
        const r = await hookOn(bBase, '/unheard');
        return r.status === 404 && bHits() > hits;
      });
      assert.ok(b.engine.scriptDirectory.stats().live);
    });
  });
}
