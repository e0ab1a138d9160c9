// JSON API for scripts: CRUD, versions, restore, lifecycle and every validation rule of SPEC §2.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import { ADMIN_TOKEN, apiClient, startTestService, type TestService } from '../helpers/service.js';

const base = { name: 'Order sync', source: 'return { ok: true };', type: 'oneoff' };

for (const server of testServers()) {
  describe(`scripts API on ${server.name} PostgreSQL`, () => {
    let t: TestService;
    let api: ReturnType<typeof apiClient>;
    before(async () => {
      t = await startTestService(server);
      api = apiClient(t.base, ADMIN_TOKEN);
    });
    after(async () => {
      await t.stop();
    });

    it('creates with defaults, reads, lists, updates as version 2 and deletes', async () => {
      const created = await api.post('/api/v1/scripts', { ...base, description: 'Pulls orders' });
      assert.equal(created.status, 201, created.text);
      const s = created.json();
      assert.equal(s.version, 1);
      assert.equal(s.status, 'draft');
      assert.equal(s.language, 'javascript');
      assert.deepEqual(s.limits, {
        maxExecutionTimeMs: 30000,
        maxMemoryBytes: 67108864,
        maxConcurrentRuns: 5,
        maxApiCallsPerMinute: 60,
        maxOutputSizeBytes: 1048576,
      });
      const got = await api.get(`/api/v1/scripts/${s.id}`);
      assert.equal(got.json().name, 'Order sync');

      const updated = await api.put(`/api/v1/scripts/${s.id}`, {
        source: 'return { ok: false };',
        changeNote: 'flip',
      });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.json().version, 2);
      assert.equal(updated.json().description, 'Pulls orders', 'fields not sent keep their values');

      const versions = await api.get(`/api/v1/scripts/${s.id}/versions`);
      assert.deepEqual(
        versions.json().data.map((v: { version: number }) => v.version),
        [2, 1],
      );
      const v2 = await api.get(`/api/v1/scripts/${s.id}/versions/2`);
      assert.equal(v2.json().changeNote, 'flip');
      assert.equal(v2.json().source, 'return { ok: false };');

      const restored = await api.post(`/api/v1/scripts/${s.id}/versions/1/restore`);
      assert.equal(restored.status, 201);
      assert.equal(restored.json().version, 3);
      assert.equal(restored.json().source, 'return { ok: true };');
      const v3 = await api.get(`/api/v1/scripts/${s.id}/versions/3`);
      assert.equal(v3.json().changeNote, 'Restored from version 1');

      const list = await api.get('/api/v1/scripts?search=order&type=oneoff');
      assert.equal(list.json().total, 1);
      assert.equal((await api.get('/api/v1/scripts?search=nomatch')).json().total, 0);

      assert.equal((await api.delete(`/api/v1/scripts/${s.id}`)).status, 204);
      assert.equal((await api.get(`/api/v1/scripts/${s.id}`)).status, 404);
      assert.equal(
        (await api.get(`/api/v1/scripts/${s.id}/versions`)).status,
        404,
        'versions are gone with it',
      );
    });

    it('paginates lists 20 at a time', async () => {
      for (let i = 0; i < 23; i++) {
        assert.equal(
          (
            await api.post('/api/v1/scripts', {
              ...base,
              name: `Paged script ${String(i).padStart(2, '0')}`,
            })
          ).status,
          201,
        );
      }
      const p1 = await api.get('/api/v1/scripts?search=Paged');
      assert.equal(p1.json().data.length, 20);
      assert.equal(p1.json().total, 23);
      assert.equal(p1.json().pages, 2);
      const p2 = await api.get('/api/v1/scripts?search=Paged&page=2');
      assert.equal(p2.json().data.length, 3);
    });

    it('applies lifecycle transitions and refuses the others', async () => {
      const s = (await api.post('/api/v1/scripts', { ...base, name: 'Lifecycle' })).json();
      const act = (action: string) => api.post(`/api/v1/scripts/${s.id}/status`, { action });
      assert.equal((await act('pause')).status, 409, 'a draft cannot be paused');
      assert.equal((await act('activate')).json().status, 'active');
      assert.equal((await act('pause')).json().status, 'paused');
      assert.equal((await act('resume')).json().status, 'active');
      assert.equal((await act('disable')).json().status, 'disabled');
      assert.equal((await act('resume')).status, 409);
      assert.equal((await act('archive')).json().status, 'archived');
      const bad = await api.put(`/api/v1/scripts/${s.id}`, { status: 'active' });
      assert.equal(bad.status, 400);
      assert.match(bad.json().error.fields.status, /cannot change/);
    });

    it('derives routing tables in the same transaction as each save', async () => {
      const pool = t.service.database.pool;
      const s = (
        await api.post('/api/v1/scripts', {
          ...base,
          name: 'Router',
          type: 'http',
          httpPath: '/r/:id',
          httpMethods: ['GET'],
        })
      ).json();
      let ep = await pool.query(
        'SELECT http_path, methods FROM script_http_endpoints WHERE script_id = $1',
        [s.id],
      );
      assert.deepEqual(ep.rows, [{ http_path: '/r/:id', methods: ['GET'] }]);
      await api.put(`/api/v1/scripts/${s.id}`, {
        type: 'scheduled',
        cronExpression: '*/5 * * * *',
        timezone: 'Europe/Berlin',
      });
      ep = await pool.query('SELECT 1 FROM script_http_endpoints WHERE script_id = $1', [s.id]);
      assert.equal(ep.rowCount, 0);
      let job = await pool.query(
        'SELECT cron_expression, timezone, next_run_at FROM script_scheduled_jobs WHERE script_id = $1',
        [s.id],
      );
      assert.equal(job.rows[0].cron_expression, '*/5 * * * *');
      assert.equal(job.rows[0].next_run_at, null, 'a draft is not scheduled');
      await api.post(`/api/v1/scripts/${s.id}/status`, { action: 'activate' });
      job = await pool.query('SELECT next_run_at FROM script_scheduled_jobs WHERE script_id = $1', [
        s.id,
      ]);
      assert.ok(job.rows[0].next_run_at instanceof Date);
      assert.ok(job.rows[0].next_run_at.getTime() > Date.now());
      assert.equal(job.rows[0].next_run_at.getUTCMinutes() % 5, 0);
      await api.put(`/api/v1/scripts/${s.id}`, {
        type: 'event',
        eventTypes: ['sales.order.paid', 'crm.client.created'],
      });
      const subs = await pool.query(
        'SELECT event_type FROM script_event_subscriptions WHERE script_id = $1 ORDER BY 1',
        [s.id],
      );
      assert.deepEqual(
        subs.rows.map((r) => r.event_type),
        ['crm.client.created', 'sales.order.paid'],
      );
      assert.equal(
        (await pool.query('SELECT 1 FROM script_scheduled_jobs WHERE script_id = $1', [s.id]))
          .rowCount,
        0,
      );
    });

    it('returns 409 for a duplicate name or HTTP path, enforced by the database', async () => {
      assert.equal(
        (await api.post('/api/v1/scripts', { ...base, name: 'Unique name' })).status,
        201,
      );
      const dup = await api.post('/api/v1/scripts', { ...base, name: 'Unique name' });
      assert.equal(dup.status, 409);
      assert.equal(dup.json().error.fields.name, 'Name already exists for this tenant');
      const h = { ...base, type: 'http', httpMethods: ['POST'] };
      assert.equal(
        (await api.post('/api/v1/scripts', { ...h, name: 'Hook one', httpPath: '/same' })).status,
        201,
      );
      const dupPath = await api.post('/api/v1/scripts', {
        ...h,
        name: 'Hook two',
        httpPath: '/same',
      });
      assert.equal(dupPath.status, 409);
      assert.equal(
        dupPath.json().error.fields.httpPath,
        'HTTP path already exists for this tenant',
      );
      // Concurrent creates with the same name: exactly one wins (the constraint, not a pre-check).
      const racers = await Promise.all(
        [1, 2, 3, 4].map(() => api.post('/api/v1/scripts', { ...base, name: 'Raced name' })),
      );
      assert.deepEqual(racers.map((r) => r.status).sort(), [201, 409, 409, 409]);
    });

    const invalid: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['name missing', { name: '' }, 'name', /^Name is required$/],
      ['name too short', { name: 'ab' }, 'name', /^Name must be at least 3 characters$/],
      ['name too long', { name: 'x'.repeat(101) }, 'name', /^Name must not exceed 100 characters$/],
      [
        'description too long',
        { description: 'x'.repeat(501) },
        'description',
        /^Description must not exceed 500 characters$/,
      ],
      ['source missing', { source: '' }, 'source', /^Source is required$/],
      [
        'source too big',
        { source: `// ${'x'.repeat(100 * 1024)}` },
        'source',
        /^Source must not exceed 100 KB$/,
      ],
      [
        'source syntax error',
        { source: 'const a = 1;\nconst b = ;' },
        'source',
        /line 2, column \d+/,
      ],
      [
        'typescript syntax error',
        { language: 'typescript', source: 'let x: number = 1;\nlet y: = 2;' },
        'source',
        /line 2, column \d+/,
      ],
      ['language unknown', { language: 'python' }, 'language', /Language/],
      ['type missing', { type: '' }, 'type', /^Type is required$/],
      ['type unknown', { type: 'weekly' }, 'type', /Type/],
      ['status unknown', { status: 'running' }, 'status', /Status/],
      [
        'cron missing',
        { type: 'scheduled' },
        'cronExpression',
        /Cron expression is required|Invalid cron expression/,
      ],
      [
        'cron invalid',
        { type: 'scheduled', cronExpression: '61 * * * *' },
        'cronExpression',
        /^Invalid cron expression\. Format: minute hour day month weekday$/,
      ],
      [
        'cron six fields',
        { type: 'scheduled', cronExpression: '0 0 * * * *' },
        'cronExpression',
        /^Invalid cron expression/,
      ],
      [
        'timezone invalid',
        { type: 'scheduled', cronExpression: '@daily', timezone: 'Mars/Olympus' },
        'timezone',
        /time zone/i,
      ],
      [
        'http path missing',
        { type: 'http', httpMethods: ['GET'] },
        'httpPath',
        /HTTP path is required/,
      ],
      [
        'http path without slash',
        { type: 'http', httpPath: 'orders', httpMethods: ['GET'] },
        'httpPath',
        /^HTTP path must start with \/$/,
      ],
      [
        'http path bad chars',
        { type: 'http', httpPath: '/orders?x=1', httpMethods: ['GET'] },
        'httpPath',
        /HTTP path/,
      ],
      [
        'http methods missing',
        { type: 'http', httpPath: '/x', httpMethods: [] },
        'httpMethods',
        /^Select at least one HTTP method$/,
      ],
      [
        'http method unknown',
        { type: 'http', httpPath: '/x', httpMethods: ['TRACE'] },
        'httpMethods',
        /HTTP method/,
      ],
      [
        'http auth unknown',
        { type: 'http', httpPath: '/x', httpMethods: ['GET'], httpAuth: 'basic' },
        'httpAuth',
        /auth/i,
      ],
      [
        'event types missing',
        { type: 'event', eventTypes: [] },
        'eventTypes',
        /^Select at least one event type$/,
      ],
      [
        'event type malformed',
        { type: 'event', eventTypes: ['Order.Paid'] },
        'eventTypes',
        /module\.entity\.action/,
      ],
      [
        'time limit low',
        { limits: { maxExecutionTimeMs: 999 } },
        'limits.maxExecutionTimeMs',
        /must be between 1000 and 300000/,
      ],
      [
        'time limit high',
        { limits: { maxExecutionTimeMs: 300001 } },
        'limits.maxExecutionTimeMs',
        /must be between 1000 and 300000/,
      ],
      [
        'memory low',
        { limits: { maxMemoryBytes: 8 * 1024 * 1024 - 1 } },
        'limits.maxMemoryBytes',
        /must be between 8388608 and 536870912/,
      ],
      [
        'memory high',
        { limits: { maxMemoryBytes: 512 * 1024 * 1024 + 1 } },
        'limits.maxMemoryBytes',
        /must be between/,
      ],
      [
        'concurrency low',
        { limits: { maxConcurrentRuns: 0 } },
        'limits.maxConcurrentRuns',
        /must be between 1 and 20/,
      ],
      [
        'concurrency high',
        { limits: { maxConcurrentRuns: 21 } },
        'limits.maxConcurrentRuns',
        /must be between 1 and 20/,
      ],
      [
        'api calls low',
        { limits: { maxApiCallsPerMinute: 0 } },
        'limits.maxApiCallsPerMinute',
        /must be between 1 and 300/,
      ],
      [
        'api calls high',
        { limits: { maxApiCallsPerMinute: 301 } },
        'limits.maxApiCallsPerMinute',
        /must be between 1 and 300/,
      ],
      [
        'output low',
        { limits: { maxOutputSizeBytes: 1023 } },
        'limits.maxOutputSizeBytes',
        /must be between 1024 and 10485760/,
      ],
      [
        'output high',
        { limits: { maxOutputSizeBytes: 10485761 } },
        'limits.maxOutputSizeBytes',
        /must be between 1024 and 10485760/,
      ],
      ['tags not strings', { tags: [1, 2] }, 'tags', /Tag/i],
    ];
    for (const [label, patch, field, message] of invalid) {
      it(`rejects ${label} with a field message`, async () => {
        const r = await api.post('/api/v1/scripts', {
          ...base,
          name: `Valid ${label}`.slice(0, 100),
          ...patch,
        });
        assert.equal(r.status, 400, r.text);
        const err = r.json().error;
        assert.equal(err.code, 'VALIDATION_ERROR');
        assert.ok(err.fields[field], `error on ${field}: ${JSON.stringify(err.fields)}`);
        assert.match(err.fields[field], message);
      });
    }

    it('reports syntax errors with markers at the right line and column', async () => {
      const r = await api.post('/api/v1/scripts', {
        ...base,
        name: 'Broken',
        source: 'const ok = 1;\n\n  return ok +;',
      });
      assert.equal(r.status, 400);
      const m = r.json().error.markers[0];
      assert.equal(m.line, 3);
      assert.equal(typeof m.column, 'number');
      assert.ok(m.column > 10 && m.column < 15, `column ${m.column}`);
    });

    it('answers unknown ids and malformed bodies with coded errors', async () => {
      assert.equal((await api.get('/api/v1/scripts/not-a-uuid')).status, 404);
      assert.equal(
        (await api.get('/api/v1/scripts/00000000-0000-4000-8000-000000000000')).json().error.code,
        'NOT_FOUND',
      );
      const bad = await api.post('/api/v1/scripts', '{not json');
      assert.equal(bad.status, 400);
      assert.equal(bad.json().error.code, 'BAD_REQUEST');
      assert.equal((await api.get('/api/v1/scripts?type=nope')).status, 400);
    });
  });
}
