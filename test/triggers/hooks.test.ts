// HTTP trigger: routing, auth, response mapping and every status of SPEC §5
// (404, 401, 413, 429 with Retry-After, 500 with executionId, 504).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import { ADMIN_TOKEN, apiClient, startTestService, type TestService } from '../helpers/service.js';

for (const server of testServers()) {
  describe(`HTTP hooks on ${server.name} PostgreSQL`, () => {
    let t: TestService;
    let api: ReturnType<typeof apiClient>;
    let devToken = '';

    const hook = async (name: string, fields: Record<string, unknown>) => {
      const r = await api.post('/api/v1/scripts', {
        name,
        type: 'http',
        httpMethods: ['POST'],
        status: 'active',
        ...fields,
      });
      assert.equal(r.status, 201, r.text);
      return r.json();
    };

    before(async () => {
      t = await startTestService(server, { HOOK_REQUESTS_PER_MINUTE: '3' });
      api = apiClient(t.base, ADMIN_TOKEN);
      devToken = (await api.post('/api/v1/tenants/default/tokens', { role: 'developer' })).json()
        .token;
      const other = await api.post('/api/v1/tenants', { slug: 'hooks-other' });
      assert.equal(other.status, 201);
    });
    after(async () => {
      await t.stop();
    });

    it('runs the script with params, query and body and maps its response', async () => {
      await hook('Echo hook', {
        httpPath: '/orders/:id/notes',
        httpAuth: 'public',
        source: `const r = context.trigger.httpRequest;
return { status: 201, headers: { 'x-order': r.params.id }, body: { id: r.params.id, q: r.query.q, note: r.body.note, method: r.method, auth: r.headers.authorization ?? null } };`,
      });
      const r = await fetch(`${t.base}/hooks/default/orders/42/notes?q=x`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer provider-secret' },
        body: JSON.stringify({ note: 'hi' }),
      });
      assert.equal(r.status, 201);
      assert.equal(r.headers.get('x-order'), '42');
      assert.deepEqual(await r.json(), {
        id: '42',
        q: 'x',
        note: 'hi',
        method: 'POST',
        auth: null,
      });
      const executionId = r.headers.get('x-execution-id');
      const e = await api.get(`/api/v1/executions/${executionId}`);
      assert.equal(e.json().triggerType, 'http');
      assert.equal(e.json().triggerData.httpRequest.params.id, '42');
    });

    it('sends a plain value as a 200 JSON body and strings as text', async () => {
      await hook('Plain hook', {
        httpPath: '/plain',
        httpAuth: 'public',
        httpMethods: ['GET'],
        source: 'return [1, 2, 3];',
      });
      const r = await fetch(`${t.base}/hooks/default/plain`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(await r.json(), [1, 2, 3]);
      await hook('Text hook', {
        httpPath: '/text',
        httpAuth: 'public',
        httpMethods: ['GET'],
        source: "return { body: 'hello' };",
      });
      const text = await fetch(`${t.base}/hooks/default/text`);
      assert.equal(await text.text(), 'hello');
      assert.match(text.headers.get('content-type') ?? '', /text\/plain/);
    });

    it('answers 404 for unknown paths, tenants and inactive scripts, 405 for other methods', async () => {
      assert.equal((await fetch(`${t.base}/hooks/default/nope`, { method: 'POST' })).status, 404);
      assert.equal((await fetch(`${t.base}/hooks/no-such-tenant/plain`)).status, 404);
      await hook('Draft hook', {
        httpPath: '/draft',
        httpAuth: 'public',
        status: 'draft',
        source: 'return 1;',
      });
      const draft = await fetch(`${t.base}/hooks/default/draft`, { method: 'POST' });
      assert.equal(draft.status, 404);
      assert.equal(((await draft.json()) as any).error.code, 'NOT_FOUND');
      const wrongMethod = await fetch(`${t.base}/hooks/default/plain`, { method: 'DELETE' });
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'GET');
    });

    it('answers 401 without a token of the tenant for token endpoints', async () => {
      await hook('Secure hook', {
        httpPath: '/secure',
        httpAuth: 'token',
        source: 'return { ok: true };',
      });
      const none = await fetch(`${t.base}/hooks/default/secure`, { method: 'POST' });
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as any).error.code, 'UNAUTHORIZED');
      const wrong = await fetch(`${t.base}/hooks/default/secure`, {
        method: 'POST',
        headers: { authorization: 'Bearer jsr_wrong' },
      });
      assert.equal(wrong.status, 401);
      const otherTenantToken = (
        await api.post('/api/v1/tenants/hooks-other/tokens', { role: 'admin' })
      ).json().token;
      const cross = await fetch(`${t.base}/hooks/default/secure`, {
        method: 'POST',
        headers: { authorization: `Bearer ${otherTenantToken}` },
      });
      assert.equal(cross.status, 401);
      const viewerToken = (
        await api.post('/api/v1/tenants/default/tokens', { role: 'viewer' })
      ).json().token;
      assert.equal(
        (
          await fetch(`${t.base}/hooks/default/secure`, {
            method: 'POST',
            headers: { authorization: `Bearer ${viewerToken}` },
          })
        ).status,
        401,
      );
      const ok = await fetch(`${t.base}/hooks/default/secure`, {
        method: 'POST',
        headers: { authorization: `Bearer ${devToken}` },
      });
      assert.equal(ok.status, 200);
    });

    it('answers 413 for bodies over 1 MB', async () => {
      await hook('Big body hook', { httpPath: '/big', httpAuth: 'public', source: 'return 1;' });
      const r = await fetch(`${t.base}/hooks/default/big`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x'.repeat(1024 * 1024 + 1),
      });
      assert.equal(r.status, 413);
      assert.equal(((await r.json()) as any).error.code, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 500 with the execution id when the script throws', async () => {
      await hook('Failing hook', {
        httpPath: '/fail',
        httpAuth: 'public',
        source: "const x = 1;\nthrow new Error('boom');",
      });
      const r = await fetch(`${t.base}/hooks/default/fail`, { method: 'POST' });
      assert.equal(r.status, 500);
      const body: any = await r.json();
      assert.equal(body.error.code, 'SCRIPT_ERROR');
      assert.equal(body.error.message, 'boom');
      const e = await api.get(`/api/v1/executions/${body.error.executionId}`);
      assert.equal(e.json().status, 'failed');
      assert.equal(e.json().error.line, 2);
    });

    it('answers 504 when the script runs past its time limit', async () => {
      await hook('Slow hook', {
        httpPath: '/slow',
        httpAuth: 'public',
        limits: { maxExecutionTimeMs: 1000 },
        source: 'await null; while (true) {}',
      });
      const r = await fetch(`${t.base}/hooks/default/slow`, { method: 'POST' });
      assert.equal(r.status, 504);
      const body: any = await r.json();
      assert.equal(body.error.code, 'TIMEOUT');
      assert.equal(
        (await api.get(`/api/v1/executions/${body.error.executionId}`)).json().status,
        'timeout',
      );
    });

    it('answers 429 with Retry-After over the per-script rate limit', async () => {
      await hook('Limited hook', { httpPath: '/limited', httpAuth: 'public', source: 'return 1;' });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const r = await fetch(`${t.base}/hooks/default/limited`, { method: 'POST' });
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
        await r.arrayBuffer();
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.ok(Number(retryAfter) >= 1);
    });
  });
}
