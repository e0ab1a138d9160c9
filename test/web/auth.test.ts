// Auth end to end over HTTP: bootstrap, login/logout, session cookie flags, CSRF, login rate
// limiting, bearer tokens (wrong → 401 JSON), roles (viewer → 403) and tenant scoping.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootstrap } from '../../src/auth/bootstrap.js';
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

for (const server of testServers()) {
  describe(`auth on ${server.name} PostgreSQL`, () => {
    let t: TestService;
    before(async () => {
      t = await startTestService(server);
    });
    after(async () => {
      await t.stop();
    });

    it('bootstraps tenant default, the superadmin and the admin token exactly once', async () => {
      assert.equal(t.service.bootstrap.createdAdmin?.email, ADMIN_EMAIL);
      assert.equal(t.service.bootstrap.createdAdmin?.fromEnv, true);
      assert.equal(t.service.bootstrap.tokenCreated, true);
      const again = await bootstrap(t.service.database.pool, {
        adminPassword: null,
        adminToken: ADMIN_TOKEN,
      });
      assert.equal(again.createdAdmin, null, 'a second start creates no admin');
      assert.equal(again.tokenCreated, false);
      const tenants = await apiClient(t.base, ADMIN_TOKEN).get('/api/v1/tenants');
      assert.equal(tenants.status, 200);
      assert.deepEqual(
        tenants.json().data.map((x: { slug: string }) => x.slug),
        ['default'],
      );
    });

    it('serves health and Prometheus metrics', async () => {
      assert.equal((await fetch(`${t.base}/health/live`)).status, 200);
      const ready = await fetch(`${t.base}/health/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(((await ready.json()) as any).checks, {
        database: 'ok',
        sandbox: 'ok',
        queue: 'ok',
      });
      const m = await (await fetch(`${t.base}/metrics`)).text();
      for (const name of [
        'jsruntime_executions_total',
        'jsruntime_execution_duration_seconds',
        'jsruntime_queue_depth',
        'jsruntime_sandbox_processes',
        'jsruntime_sandbox_fresh_context_runs',
        'jsruntime_sandbox_reused_context_runs',
        'jsruntime_ssrf_blocked_total',
        'jsruntime_rate_limit_hits_total',
      ]) {
        assert.match(m, new RegExp(`# TYPE ${name} `), name);
      }
    });

    it('redirects /scripts to the login page without a session', async () => {
      const r = await fetch(`${t.base}/scripts`, { redirect: 'manual' });
      assert.equal(r.status, 302);
      assert.equal(r.headers.get('location'), '/login?next=%2Fscripts');
      const htmx = await fetch(`${t.base}/scripts`, {
        redirect: 'manual',
        headers: { 'hx-request': 'true' },
      });
      assert.equal(htmx.status, 401);
      assert.equal(htmx.headers.get('hx-redirect'), '/login?next=%2Fscripts');
    });

    it('logs in with the bootstrap password, sets a safe cookie, and logs out', async () => {
      const b = new BrowserClient(t.base);
      const wrong = await b.login(ADMIN_EMAIL, 'not-the-password');
      assert.equal(wrong.status, 401);
      assert.match(wrong.text, /Invalid email or password/);
      const ok = await b.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      assert.equal(ok.status, 303);
      assert.equal(ok.headers.get('location'), '/scripts');
      const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('jsr_session='));
      assert.ok(cookie, 'session cookie set');
      assert.match(cookie, /HttpOnly/i);
      assert.match(cookie, /SameSite=Lax/i);
      assert.doesNotMatch(cookie, /Secure/i, 'plain http: no Secure flag');
      const page = await b.get('/scripts');
      assert.equal(page.status, 200);
      assert.match(page.text, /Scripts/);
      const out = await b.post('/logout', {});
      assert.equal(out.status, 303);
      const after = await b.get('/scripts');
      assert.equal(after.status, 302, 'the session is gone after logout');
    });

    it('marks the session cookie Secure behind an https proxy it trusts', async () => {
      const proxied = await startTestService(server, { TRUST_PROXY: 'true' });
      try {
        const b = new BrowserClient(proxied.base);
        await b.get('/login');
        const r = await b.post(
          '/login',
          { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
          { 'x-forwarded-proto': 'https' },
        );
        assert.equal(r.status, 303);
        assert.match(
          r.headers.getSetCookie().find((c) => c.startsWith('jsr_session='))!,
          /Secure/,
        );
      } finally {
        await proxied.stop();
      }
    });

    it('rejects a login form without its CSRF token', async () => {
      const b = new BrowserClient(t.base);
      const r = await b.request('POST', '/login', {
        form: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
        csrf: false,
      });
      assert.equal(r.status, 403);
      assert.equal(
        r.headers.getSetCookie().some((c) => c.startsWith('jsr_session=')),
        false,
      );
    });

    it('requires the CSRF token on state-changing forms and HTMX requests', async () => {
      const b = new BrowserClient(t.base);
      await b.login(ADMIN_EMAIL, ADMIN_PASSWORD);
      await b.get('/tenants');
      const missing = await b.request('POST', '/tenants', {
        form: { slug: 'csrf-missing' },
        csrf: false,
      });
      assert.equal(missing.status, 403);
      assert.match(missing.text, /expired or came from another site/);
      const forged = await b.request('POST', '/tenants', {
        form: { slug: 'csrf-forged', _csrf: 'forged' },
      });
      assert.equal(forged.status, 403);
      const crossSite = await b.post(
        '/tenants',
        { slug: 'csrf-cross' },
        { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      assert.equal(crossSite.status, 403);
      const htmxNoHeader = await b.request('POST', '/tenants', {
        form: { slug: 'csrf-htmx' },
        csrf: false,
        headers: { 'hx-request': 'true' },
      });
      assert.equal(htmxNoHeader.status, 403);
      const ok = await b.post('/tenants', { slug: 'csrf-ok' });
      assert.equal(ok.status, 303);
      const list = await apiClient(t.base, ADMIN_TOKEN).get('/api/v1/tenants');
      const slugs = list.json().data.map((x: { slug: string }) => x.slug);
      assert.ok(slugs.includes('csrf-ok'));
      for (const s of ['csrf-missing', 'csrf-forged', 'csrf-cross', 'csrf-htmx'])
        assert.ok(!slugs.includes(s), `${s} was not created`);
    });

    it('counts failed logins only: an account can sign in as often as it likes', async () => {
      for (let i = 0; i < 12; i++) {
        const b = new BrowserClient(t.base);
        await b.get('/login');
        const r = await b.post('/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
        assert.equal(r.status, 303, `login ${i + 1}`);
      }
    });

    it('limits login attempts per account', async () => {
      const b = new BrowserClient(t.base);
      let last = 0;
      for (let i = 0; i < 11; i++) {
        await b.get('/login');
        last = (await b.post('/login', { email: 'nobody@example.com', password: 'wrong-password' }))
          .status;
        if (last === 429) break;
      }
      assert.equal(last, 429);
      await b.get('/login');
      const r = await b.post('/login', { email: 'nobody@example.com', password: 'wrong-password' });
      assert.equal(r.status, 429);
      assert.ok(Number(r.headers.get('retry-after')) > 0);
      assert.match(r.text, /Too many login attempts/);
    });

    it('answers a wrong bearer token with 401 JSON on API and UI routes', async () => {
      for (const path of ['/api/v1/scripts', '/api/v1/tenants', '/scripts']) {
        const r = await apiClient(t.base, 'jsr_wrong').get(path);
        assert.equal(r.status, 401, path);
        assert.equal(r.json().error.code, 'UNAUTHORIZED');
      }
      const none = await apiClient(t.base, null).get('/api/v1/scripts');
      assert.equal(none.status, 401);
      assert.equal(none.json().error.code, 'UNAUTHORIZED');
    });

    it('creates tenant acme with the admin token; its token sees nothing of default', async () => {
      const admin = apiClient(t.base, ADMIN_TOKEN);
      const created = await admin.post('/api/v1/tenants', { slug: 'acme', name: 'Acme Inc' });
      assert.equal(created.status, 201);
      assert.equal(created.json().slug, 'acme');
      const dup = await admin.post('/api/v1/tenants', { slug: 'acme' });
      assert.equal(dup.status, 409);
      assert.equal(dup.json().error.code, 'CONFLICT');
      const bad = await admin.post('/api/v1/tenants', { slug: 'Not A Slug' });
      assert.equal(bad.status, 400);
      assert.ok(bad.json().error.fields.slug);

      const script = { name: 'default-only', source: 'return 1', type: 'oneoff' };
      const inDefault = await admin.post('/api/v1/scripts', script);
      assert.equal(inDefault.status, 201, inDefault.text);

      const tok = await admin.post('/api/v1/tenants/acme/tokens', {
        role: 'developer',
        name: 'ci',
      });
      assert.equal(tok.status, 201);
      const acme = apiClient(t.base, tok.json().token);
      const list = await acme.get('/api/v1/scripts');
      assert.equal(list.status, 200);
      assert.deepEqual(list.json().data, [], 'acme sees no scripts of default');
      const other = await acme.get(`/api/v1/scripts/${inDefault.json().id}`);
      assert.equal(other.status, 404);
      const mine = await acme.post('/api/v1/scripts', { ...script, name: 'acme-script' });
      assert.equal(mine.status, 201);
      const defaultList = await admin.get('/api/v1/scripts');
      assert.deepEqual(
        defaultList.json().data.map((s: { name: string }) => s.name),
        ['default-only'],
      );
      const tenants = await acme.get('/api/v1/tenants');
      assert.equal(tenants.status, 403, 'a tenant token cannot list tenants');
    });

    it('gives a viewer 403 on create routes and the developer no delete', async () => {
      const admin = apiClient(t.base, ADMIN_TOKEN);
      const viewer = apiClient(
        t.base,
        (await admin.post('/api/v1/tenants/default/tokens', { role: 'viewer' })).json().token,
      );
      const dev = apiClient(
        t.base,
        (await admin.post('/api/v1/tenants/default/tokens', { role: 'developer' })).json().token,
      );
      const r = await viewer.post('/api/v1/scripts', {
        name: 'viewer-made',
        source: 'return 1',
        type: 'oneoff',
      });
      assert.equal(r.status, 403);
      assert.equal(r.json().error.code, 'FORBIDDEN');
      assert.equal((await viewer.get('/api/v1/scripts')).status, 200);
      const made = await dev.post('/api/v1/scripts', {
        name: 'dev-made',
        source: 'return 1',
        type: 'oneoff',
      });
      assert.equal(made.status, 201);
      assert.equal((await dev.delete(`/api/v1/scripts/${made.json().id}`)).status, 403);
      assert.equal((await admin.delete(`/api/v1/scripts/${made.json().id}`)).status, 204);
      const superToken = await admin.post('/api/v1/tenants/default/tokens', { role: 'superadmin' });
      assert.equal(superToken.status, 400, 'superadmin tokens are not minted through the API');
    });
  });
}
