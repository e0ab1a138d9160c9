// Executions end to end: queued manual/API runs, wait=true, SDK inside real runs (db, cache,
// log), errors with the script's line, cancel, retry, invoke, and the UI fragments.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  ADMIN_TOKEN,
  apiClient,
  BrowserClient,
  startTestService,
  type TestService,
} from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

for (const server of testServers()) {
  describe(`executions on ${server.name} PostgreSQL`, () => {
    let t: TestService;
    let api: ReturnType<typeof apiClient>;

    const create = async (fields: Record<string, unknown>) => {
      const r = await api.post('/api/v1/scripts', { type: 'oneoff', ...fields });
      assert.equal(r.status, 201, r.text);
      return r.json().id as string;
    };
    const finished = (id: string) =>
      waitFor(`execution ${id} to finish`, async () => {
        const e = (await api.get(`/api/v1/executions/${id}`)).json();
        return ['completed', 'failed', 'timeout', 'cancelled'].includes(e.status) ? e : null;
      });

    before(async () => {
      t = await startTestService(server);
      api = apiClient(t.base, ADMIN_TOKEN);
    });
    after(async () => {
      await t.stop();
    });

    it('queues an API run, returns it pending at once, and records the result', async () => {
      const id = await create({
        name: 'Queued',
        source:
          "sdk.log.info('hello', { a: 1 });\nconsole.warn('careful');\nreturn { sum: context.input.a + context.input.b };",
      });
      const r = await api.post(`/api/v1/scripts/${id}/executions`, { input: { a: 2, b: 3 } });
      assert.equal(r.status, 202);
      assert.equal(r.json().status, 'pending');
      const e = await finished(r.json().id);
      assert.equal(e.status, 'completed');
      assert.deepEqual(e.output, { sum: 5 });
      assert.equal(e.triggerType, 'api');
      assert.equal(e.scriptVersion, 1);
      assert.deepEqual(
        e.logs.map((l: { level: string; message: string }) => [l.level, l.message]),
        [
          ['info', 'hello'],
          ['warn', 'careful'],
        ],
      );
      assert.deepEqual(e.logs[0].metadata, { a: 1 });
      assert.ok(e.metrics.durationMs >= 0);
      assert.equal(typeof e.metrics.cpuMs, 'number');
      assert.ok(e.nodeId);
    });

    it('runs with wait=true and returns the finished execution', async () => {
      const id = await create({ name: 'Waited', source: 'return context.input.x * 2;' });
      const r = await api.post(`/api/v1/scripts/${id}/executions`, {
        input: { x: 21 },
        wait: true,
      });
      assert.equal(r.status, 201);
      assert.equal(r.json().status, 'completed');
      assert.equal(r.json().output, 42);
    });

    it('uses sdk.db and sdk.cache inside the tenant', async () => {
      const id = await create({
        name: 'Data user',
        source: `await sdk.db.execute('INSERT INTO clients (name, email) VALUES ($1, $2)', ['Ada', 'ada@example.com']);
const row = await sdk.db.queryOne('SELECT name FROM clients WHERE email = $1', ['ada@example.com']);
await sdk.cache.set('k', { v: row.name }, 60);
return { row, cached: await sdk.cache.get('k'), n: await sdk.cache.increment('n', 2) };`,
      });
      const r = await api.post(`/api/v1/scripts/${id}/executions`, { wait: true });
      assert.equal(r.json().status, 'completed', JSON.stringify(r.json().error));
      assert.deepEqual(r.json().output, { row: { name: 'Ada' }, cached: { v: 'Ada' }, n: 2 });
      assert.equal(r.json().metrics.dbQueryCount, 2);
      const blocked = await create({
        name: 'Bad SQL',
        source: 'return await sdk.db.query("SELECT * FROM clients WHERE name = \'x\'");',
      });
      const b = await api.post(`/api/v1/scripts/${blocked}/executions`, { wait: true });
      assert.equal(b.json().status, 'failed');
      assert.equal(b.json().error.code, 'SQL_INJECTION');
    });

    it('records errors with the line and column of the script (TypeScript mapped back)', async () => {
      const js = await create({
        name: 'Throws JS',
        source: "const a = 1;\nconst b = 2;\nthrow new Error('third line');",
      });
      const e = (await api.post(`/api/v1/scripts/${js}/executions`, { wait: true })).json();
      assert.equal(e.status, 'failed');
      assert.deepEqual(
        [e.error.code, e.error.message, e.error.line],
        ['SCRIPT_ERROR', 'third line', 3],
      );
      const ts = await create({
        name: 'Throws TS',
        language: 'typescript',
        source:
          "interface Order { id: number }\nconst o: Order = { id: 1 };\n\nfunction fail(x: Order): never {\n  throw new Error('in ts ' + x.id);\n}\nfail(o);",
      });
      const t2 = (await api.post(`/api/v1/scripts/${ts}/executions`, { wait: true })).json();
      assert.equal(t2.error.message, 'in ts 1');
      assert.equal(t2.error.line, 5);
      assert.equal(t2.error.column, 9);
      assert.doesNotMatch(
        JSON.stringify(t2.error),
        /node_modules|\/work\/|at async/,
        'no host details leak',
      );
    });

    it('fails a script over its time limit with status timeout', async () => {
      const id = await create({
        name: 'Too slow',
        limits: { maxExecutionTimeMs: 1000 },
        source: 'await null;\nwhile (true) {}',
      });
      const e = (await api.post(`/api/v1/scripts/${id}/executions`, { wait: true })).json();
      assert.equal(e.status, 'timeout');
      assert.equal(e.error.code, 'TIMEOUT');
    });

    it('cancels a running execution and retries a failed one', async () => {
      const id = await create({
        name: 'Long runner',
        limits: { maxExecutionTimeMs: 60000 },
        source: 'await null;\nwhile (true) {}',
      });
      const queued = (await api.post(`/api/v1/scripts/${id}/executions`, {})).json();
      await waitFor(
        'running',
        async () => (await api.get(`/api/v1/executions/${queued.id}`)).json().status === 'running',
      );
      const c = await api.post(`/api/v1/executions/${queued.id}/cancel`);
      assert.equal(c.status, 200);
      assert.equal(c.json().status, 'cancelled');
      const e = await finished(queued.id);
      assert.equal(e.status, 'cancelled');
      assert.equal(
        (await api.post(`/api/v1/executions/${queued.id}/cancel`)).status,
        409,
        'already cancelled',
      );
      // The sandbox is free again: a normal run works.
      const ok = await create({ name: 'After cancel', source: 'return 7;' });
      assert.equal(
        (await api.post(`/api/v1/scripts/${ok}/executions`, { wait: true })).json().output,
        7,
      );
    });

    it('invokes an active embedded script by name and refuses the others', async () => {
      await create({
        name: 'Price calc',
        type: 'embedded',
        status: 'active',
        source: 'return { total: context.input.qty * 10 };',
      });
      const r = await api.post('/api/v1/scripts/Price%20calc/invoke', { input: { qty: 3 } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json().output, { total: 30 });
      assert.ok(r.json().executionId);
      await create({ name: 'Draft calc', type: 'embedded', source: 'return 1;' });
      assert.equal((await api.post('/api/v1/scripts/Draft%20calc/invoke', {})).status, 409);
      await create({ name: 'Not embedded', type: 'oneoff', source: 'return 1;' });
      assert.equal((await api.post('/api/v1/scripts/Not%20embedded/invoke', {})).status, 400);
      assert.equal((await api.post('/api/v1/scripts/Missing/invoke', {})).status, 404);
      await create({
        name: 'Failing calc',
        type: 'embedded',
        status: 'active',
        source: "throw new Error('nope');",
      });
      const failed = await api.post('/api/v1/scripts/Failing%20calc/invoke', {});
      assert.equal(failed.status, 500);
      assert.ok(failed.json().error.executionId);
    });

    it('executes from the UI: the row is prepended and the history polls only while running', async () => {
      const b = new BrowserClient(t.base);
      await b.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      const id = await create({ name: 'UI runner', source: 'return context.input;' });
      const page = await b.get(`/scripts/${id}`);
      assert.match(page.text, /id="execute-form"/);
      assert.match(page.text, /data-polling="false"/);
      const row = await b.htmx('POST', `/scripts/${id}/execute`, { Input: '{"hello":"world"}' });
      assert.equal(row.status, 201);
      assert.match(row.text, /^<tr id="execution-/);
      assert.match(row.text, /aria-label="Execution [0-9a-f-]{36} status: pending"/);
      assert.equal(row.headers.get('hx-trigger'), 'executionsChanged');
      const executionId = /execution-([0-9a-f-]{36})/.exec(row.text)![1]!;
      const e = await finished(executionId);
      assert.deepEqual(e.output, { hello: 'world' });
      assert.equal(e.triggerType, 'manual');
      const history = await b.htmx('GET', `/scripts/${id}/executions`);
      assert.match(history.text, /data-polling="false"/);
      assert.match(history.text, /status: completed/);
      const bad = await b.htmx('POST', `/scripts/${id}/execute`, { Input: '{not json' });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Input is not valid JSON/);
      const slow = await create({
        name: 'UI slow runner',
        limits: { maxExecutionTimeMs: 60000 },
        source: 'await null;\nwhile (true) {}',
      });
      const slowRow = await b.htmx('POST', `/scripts/${slow}/execute`, {});
      const slowId = /execution-([0-9a-f-]{36})/.exec(slowRow.text)![1]!;
      const polling = await b.htmx('GET', `/scripts/${slow}/executions`);
      assert.match(polling.text, /data-polling="true"/);
      assert.match(polling.text, /hx-trigger="executionsChanged from:body, every 5s"/);
      const cancelled = await b.htmx('POST', `/executions/${slowId}/cancel`);
      assert.match(cancelled.text, /status: cancelled/);
      const detail = await b.get(`/executions/${executionId}`);
      assert.equal(detail.status, 200);
      assert.match(detail.text, /id="execution-output"/);
    });
  });
}
