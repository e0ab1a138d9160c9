// Every script page route × role (viewer, developer, admin, another tenant's admin): 200/303 where
// allowed, 403 where the role lacks the permission, 404 across tenants, 409 on conflicts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTenant, createUser } from '../../src/auth/accounts.js';
import { testServers } from '../helpers/databases.js';
import {
  ADMIN_TOKEN,
  apiClient,
  BrowserClient,
  startTestService,
  type TestService,
} from '../helpers/service.js';

type Role = 'viewer' | 'developer' | 'admin' | 'other';
const PASSWORD = 'role-test-password';

const form = (name: string) => ({
  Name: name,
  Description: 'made by a route test',
  Source: 'return 1;',
  Language: 'javascript',
  Type: 'oneoff',
  Status: 'draft',
});

for (const server of testServers()) {
  describe(`script routes × roles on ${server.name} PostgreSQL`, () => {
    let t: TestService;
    const clients = {} as Record<Role, BrowserClient>;
    let scriptId = '';

    before(async () => {
      t = await startTestService(server);
      const pool = t.service.database.pool;
      const def = t.service.bootstrap.tenantId;
      const other = await createTenant(pool, { slug: 'other-co' }, null);
      const users: Array<[Role, string, string]> = [
        ['viewer', def, 'viewer'],
        ['developer', def, 'developer'],
        ['admin', def, 'admin'],
        ['other', other.id, 'admin'],
      ];
      for (const [key, tenantId, role] of users) {
        await createUser(
          pool,
          { tenantId, email: `${key}@example.com`, role, password: PASSWORD },
          null,
        );
        const b = new BrowserClient(t.base);
        const r = await b.login(`${key}@example.com`, PASSWORD);
        assert.equal(r.status, 303);
        clients[key] = b;
      }
      const api = apiClient(t.base, ADMIN_TOKEN);
      const s = await api.post('/api/v1/scripts', {
        name: 'Shared script',
        source: 'return 1;',
        type: 'oneoff',
      });
      scriptId = s.json().id;
      assert.equal(
        (await api.put(`/api/v1/scripts/${scriptId}`, { source: 'return 2;' })).json().version,
        2,
      );
    });
    after(async () => {
      await t.stop();
    });

    const expectations: Array<{
      label: string;
      run: (b: BrowserClient) => Promise<{ status: number }>;
      want: Record<Role, number>;
    }> = [
      {
        label: 'GET /scripts',
        run: (b) => b.get('/scripts'),
        want: { viewer: 200, developer: 200, admin: 200, other: 200 },
      },
      {
        label: 'GET /scripts/new',
        run: (b) => b.get('/scripts/new'),
        want: { viewer: 403, developer: 200, admin: 200, other: 200 },
      },
      {
        label: 'GET /scripts/:id',
        run: (b) => b.get(`/scripts/${scriptId}`),
        want: { viewer: 200, developer: 200, admin: 200, other: 404 },
      },
      {
        label: 'GET /scripts/:id/edit',
        run: (b) => b.get(`/scripts/${scriptId}/edit`),
        want: { viewer: 403, developer: 200, admin: 200, other: 404 },
      },
      {
        label: 'GET /scripts/:id/executions',
        run: (b) => b.get(`/scripts/${scriptId}/executions`),
        want: { viewer: 200, developer: 200, admin: 200, other: 404 },
      },
      {
        label: 'GET /scripts/:id/versions',
        run: (b) => b.get(`/scripts/${scriptId}/versions`),
        want: { viewer: 200, developer: 200, admin: 200, other: 404 },
      },
      {
        label: 'GET /scripts/:id/versions/1',
        run: (b) => b.get(`/scripts/${scriptId}/versions/1`),
        want: { viewer: 200, developer: 200, admin: 200, other: 404 },
      },
      {
        label: 'PUT /scripts/:id',
        run: (b) => b.post(`/scripts/${scriptId}`, { _method: 'PUT', ...form('Shared script') }),
        want: { viewer: 403, developer: 303, admin: 303, other: 404 },
      },
      {
        label: 'POST /scripts/:id/execute',
        run: (b) => b.post(`/scripts/${scriptId}/execute`, { Input: '{"a":1}' }),
        want: { viewer: 403, developer: 303, admin: 303, other: 404 },
      },
      {
        label: 'GET /scripts/:id/diff',
        run: (b) => b.get(`/scripts/${scriptId}/diff?from=1&to=2`),
        want: { viewer: 200, developer: 200, admin: 200, other: 404 },
      },
      {
        label: 'POST /scripts/:id/versions/1/restore',
        run: (b) => b.post(`/scripts/${scriptId}/versions/1/restore`, {}),
        want: { viewer: 403, developer: 303, admin: 303, other: 404 },
      },
      {
        label: 'GET /dead-letters',
        run: (b) => b.get('/dead-letters'),
        want: { viewer: 200, developer: 200, admin: 200, other: 200 },
      },
      {
        label: 'GET /audit',
        run: (b) => b.get('/audit'),
        want: { viewer: 403, developer: 403, admin: 200, other: 200 },
      },
      {
        label: 'GET /tokens',
        run: (b) => b.get('/tokens'),
        want: { viewer: 403, developer: 403, admin: 200, other: 200 },
      },
    ];

    for (const role of ['viewer', 'developer', 'admin', 'other'] as Role[]) {
      it(`answers every route as expected for ${role}`, async () => {
        for (const e of expectations) {
          const r = await e.run(clients[role]);
          assert.equal(r.status, e.want[role], `${e.label} as ${role}`);
        }
      });
    }

    it('lets developers and admins create (303) and viewers not (403)', async () => {
      assert.equal((await clients.viewer.post('/scripts', form('Viewer made'))).status, 403);
      assert.equal((await clients.developer.post('/scripts', form('Developer made'))).status, 303);
      const r = await clients.admin.post('/scripts', form('Admin made'));
      assert.equal(r.status, 303);
      assert.match(r.headers.get('location') ?? '', /^\/scripts\/[0-9a-f-]{36}$/);
      const htmx = await clients.admin.htmx('POST', '/scripts', form('Admin made via htmx'));
      assert.equal(htmx.status, 200);
      assert.match(htmx.headers.get('hx-redirect') ?? '', /^\/scripts\/[0-9a-f-]{36}$/);
    });

    it('re-renders the form with 400 and the input kept, and 409 on a duplicate name', async () => {
      const bad = await clients.admin.post('/scripts', {
        ...form('ab'),
        Description: 'kept description',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Name must be at least 3 characters/);
      assert.match(bad.text, /kept description/);
      assert.match(bad.text, /value="ab"/);
      const dup = await clients.admin.post('/scripts', form('Shared script'));
      assert.equal(dup.status, 409);
      assert.match(dup.text, /Name already exists for this tenant/);
      const htmxBad = await clients.admin.htmx('POST', '/scripts', form(''));
      assert.equal(htmxBad.status, 400);
      assert.match(htmxBad.text, /id="script-form-section"/);
      assert.doesNotMatch(htmxBad.text, /<html/, 'HTMX gets the form fragment only');
    });

    it('deletes only as admin; other tenants get 404; HTMX gets an empty fragment', async () => {
      const api = apiClient(t.base, ADMIN_TOKEN);
      const victim = (
        await api.post('/api/v1/scripts', {
          name: 'Delete me',
          source: 'return 1;',
          type: 'oneoff',
        })
      ).json().id;
      assert.equal(
        (await clients.viewer.post(`/scripts/${victim}`, { _method: 'DELETE' })).status,
        403,
      );
      assert.equal(
        (await clients.developer.post(`/scripts/${victim}`, { _method: 'DELETE' })).status,
        403,
      );
      assert.equal(
        (await clients.other.post(`/scripts/${victim}`, { _method: 'DELETE' })).status,
        404,
      );
      const del = await clients.admin.htmx('DELETE', `/scripts/${victim}`);
      assert.equal(del.status, 200);
      assert.equal(del.text, '');
      assert.equal((await api.get(`/api/v1/scripts/${victim}`)).status, 404);
      const page = await clients.admin.get(`/scripts/${victim}`);
      assert.equal(page.status, 404);
      assert.match(page.text, /Script not found or you don(&#39;|')t have permission to view it\./);
    });

    it('shows only the buttons a role may use', async () => {
      const asViewer = await clients.viewer.get('/scripts');
      assert.doesNotMatch(asViewer.text, /aria-label="Delete script/);
      assert.doesNotMatch(asViewer.text, /aria-label="Edit script/);
      const asDev = await clients.developer.get('/scripts');
      assert.match(asDev.text, /aria-label="Edit script Shared script"/);
      assert.doesNotMatch(asDev.text, /aria-label="Delete script/);
      const asAdmin = await clients.admin.get('/scripts');
      assert.match(asAdmin.text, /aria-label="Delete script Shared script"/);
    });

    it('filters the list and shows the empty states', async () => {
      const none = await clients.other.get('/scripts');
      assert.match(none.text, /No scripts yet\. Create your first script to get started\./);
      const filtered = await clients.admin.get('/scripts?search=zzzz-no-match');
      assert.match(filtered.text, /No scripts match your filters\./);
      assert.match(filtered.text, /Clear filters/);
      const byType = await clients.admin.get('/scripts?type=http');
      assert.doesNotMatch(byType.text, /Shared script/);
      assert.match(byType.text, /aria-label="Search scripts"/);
      assert.match(byType.text, /aria-label="Filter by type"/);
    });

    it('records script changes in the audit log with actor and before/after', async () => {
      const audit = await clients.admin.get('/audit');
      assert.match(audit.text, /script\.created/);
      assert.match(audit.text, /script\.updated/);
      const rows = await t.service.database.pool.query(
        "SELECT actor_label, before, after FROM audit_log WHERE action = 'script.updated' AND entity_id = $1 ORDER BY id LIMIT 1",
        [scriptId],
      );
      assert.equal(rows.rows[0].before.source, 'return 1;');
      assert.equal(rows.rows[0].after.source, 'return 2;');
      assert.match(rows.rows[0].actor_label, /^token /);
      const other = await clients.other.get('/audit');
      assert.doesNotMatch(
        other.text,
        /Shared script|script\.updated/,
        'another tenant sees none of it',
      );
    });

    it('saving a new version says so in a toast', async () => {
      const edit = await clients.admin.get(`/scripts/${scriptId}/edit`);
      const current = Number(
        /Saving will create version <strong>(\d+)<\/strong>/.exec(edit.text)?.[1],
      );
      assert.ok(current > 1);
      const r = await clients.admin.post(`/scripts/${scriptId}`, {
        _method: 'PUT',
        ...form('Shared script'),
        ChangeNote: 'toast test',
      });
      assert.equal(r.status, 303);
      const page = await clients.admin.get(r.headers.get('location')!);
      assert.match(page.text, new RegExp(`Script updated\\. Version ${current} created\\.`));
    });
  });
}
