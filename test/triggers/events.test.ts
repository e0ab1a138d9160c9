// Events: host events reach every active subscribed script once; failures are retried at 2, 4
// and 8 s and then become dead letters (list, inspect, replay, delete); chains deeper than 8
// are refused with EVENT_LOOP; the service publishes its own jsruntime.* events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import { ADMIN_TOKEN, apiClient, startTestService, type TestService } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

for (const server of testServers()) {
  describe(`events on ${server.name} PostgreSQL`, () => {
    let t: TestService;
    let api: ReturnType<typeof apiClient>;

    const script = async (
      name: string,
      source: string,
      eventTypes: string[],
      status = 'active',
    ) => {
      const r = await api.post('/api/v1/scripts', {
        name,
        type: 'event',
        eventTypes,
        status,
        source,
      });
      assert.equal(r.status, 201, r.text);
      return r.json().id as string;
    };
    const executions = async (scriptId: string) =>
      (await api.get(`/api/v1/scripts/${scriptId}/executions?limit=100`)).json().data as Array<{
        id: string;
        status: string;
        attempt: number;
        triggerData: Record<string, unknown>;
        createdAt: string;
        error: { code: string } | null;
      }>;

    before(async () => {
      t = await startTestService(server);
      api = apiClient(t.base, ADMIN_TOKEN);
    });
    after(async () => {
      await t.stop();
    });

    it('delivers a host event to every active subscriber exactly once', async () => {
      const a = await script('Receiver A', 'return context.trigger.eventPayload.n * 2;', [
        'shop.order.paid',
      ]);
      const b = await script('Receiver B', 'return context.trigger.eventType;', [
        'shop.order.paid',
        'shop.order.refunded',
      ]);
      const paused = await script('Paused receiver', 'return 1;', ['shop.order.paid'], 'draft');
      const other = await script('Other type', 'return 1;', ['shop.order.shipped']);
      const r = await api.post('/api/v1/events', { type: 'shop.order.paid', payload: { n: 21 } });
      assert.equal(r.status, 202);
      assert.ok(r.json().eventId);
      const [ea] = await waitFor('A ran', async () => {
        const rows = await executions(a);
        return rows.length === 1 && rows[0]!.status === 'completed' ? rows : null;
      });
      const full = (await api.get(`/api/v1/executions/${ea!.id}`)).json();
      assert.equal(full.output, 42);
      assert.equal(full.triggerType, 'event');
      assert.equal(full.triggerData.eventId, r.json().eventId);
      await waitFor('B ran', async () =>
        (await executions(b)).some((e) => e.status === 'completed'),
      );
      assert.equal((await executions(b)).length, 1);
      assert.equal((await executions(paused)).length, 0, 'draft scripts do not receive events');
      assert.equal((await executions(other)).length, 0);
    });

    it('validates host events', async () => {
      const bad = await api.post('/api/v1/events', { type: 'NotAType', payload: {} });
      assert.equal(bad.status, 400);
      assert.ok(bad.json().error.fields.type);
      assert.equal(
        (await api.post('/api/v1/events', { type: 'jsruntime.script.created' })).status,
        400,
      );
      const viewer = apiClient(
        t.base,
        (await api.post('/api/v1/tenants/default/tokens', { role: 'viewer' })).json().token,
      );
      assert.equal((await viewer.post('/api/v1/events', { type: 'a.b.c' })).status, 403);
    });

    it('retries a failing event execution at 2, 4 and 8 s, then keeps a dead letter that can be replayed and deleted', async () => {
      const id = await script(
        'Flaky receiver',
        "const n = await sdk.cache.increment('tries');\nif (context.trigger.eventPayload.heal && n > 4) return 'healed';\nthrow new Error('downstream unavailable');",
        ['billing.invoice.created'],
      );
      const sent = Date.now();
      await api.post('/api/v1/events', {
        type: 'billing.invoice.created',
        payload: { heal: true },
      });
      const runs = await waitFor(
        'four failed attempts',
        async () => {
          const rows = await executions(id);
          return rows.length === 4 && rows.every((e) => e.status === 'failed') ? rows : null;
        },
        { timeoutMs: 40_000, intervalMs: 200 },
      );
      const byAttempt = [...runs].sort((x, y) => x.attempt - y.attempt);
      assert.deepEqual(
        byAttempt.map((e) => e.attempt),
        [1, 2, 3, 4],
      );
      const gaps = byAttempt
        .slice(1)
        .map(
          (e, i) => new Date(e.createdAt).getTime() - new Date(byAttempt[i]!.createdAt).getTime(),
        );
      // Each retry is queued when the previous attempt fails, to run 2/4/8 s later.
      const started = await Promise.all(
        byAttempt.map(async (e) =>
          new Date((await api.get(`/api/v1/executions/${e.id}`)).json().startedAt).getTime(),
        ),
      );
      const delays = started.slice(1).map((s, i) => s - started[i]!);
      for (const [i, expected] of [2000, 4000, 8000].entries()) {
        assert.ok(
          delays[i]! >= expected - 100 && delays[i]! < expected + 3000,
          `retry ${i + 1} after ${delays[i]} ms (gaps ${gaps})`,
        );
      }
      assert.ok(Date.now() - sent >= 14_000);
      const letters = await waitFor('dead letter', async () => {
        const d = (await api.get('/api/v1/dead-letters')).json().data as Array<{
          id: string;
          scriptId: string;
          attempts: number;
          lastError: { message: string };
          eventType: string;
        }>;
        return d.find((x) => x.scriptId === id) ? d : null;
      });
      const letter = letters.find((x) => x.scriptId === id)!;
      assert.equal(letter.attempts, 4);
      assert.equal(letter.eventType, 'billing.invoice.created');
      assert.equal(letter.lastError.message, 'downstream unavailable');
      assert.equal((await api.get(`/api/v1/dead-letters/${letter.id}`)).json().id, letter.id);

      const replay = await api.post(`/api/v1/dead-letters/${letter.id}/replay`);
      assert.equal(replay.status, 202);
      const replayed = await waitFor('replay ran', async () => {
        const e = (await api.get(`/api/v1/executions/${replay.json().id}`)).json();
        return e.status === 'completed' ? e : null;
      });
      assert.equal(replayed.output, 'healed');
      assert.ok((await api.get(`/api/v1/dead-letters/${letter.id}`)).json().replayedAt);
      assert.equal((await api.delete(`/api/v1/dead-letters/${letter.id}`)).status, 204);
      assert.equal((await api.get(`/api/v1/dead-letters/${letter.id}`)).status, 404);
    });

    it('refuses event chains deeper than 8 with EVENT_LOOP', async () => {
      const id = await script(
        'Ping pong',
        "await events.publish('loop.ping.sent', { depth: (context.trigger.eventPayload.depth ?? 0) + 1 });\nreturn 'sent';",
        ['loop.ping.sent'],
      );
      await api.post('/api/v1/events', { type: 'loop.ping.sent', payload: {} });
      const refused = await waitFor('the loop guard', async () => {
        const rows = await executions(id);
        return rows.find((e) => e.error?.code === 'EVENT_LOOP') ?? null;
      });
      assert.ok(refused);
      const ok = await waitFor('the eight allowed links', async () => {
        const rows = (await executions(id)).filter(
          (e) => e.attempt === 1 && e.status === 'completed',
        );
        return rows.length >= 8 ? rows : null;
      });
      assert.equal(ok.length, 8, 'eight links of the chain ran, the ninth publish was refused');
    });

    it('publishes jsruntime.* service events to subscribed scripts', async () => {
      const watcher = await script('Watcher', 'return context.trigger.eventPayload.name;', [
        'jsruntime.script.created',
      ]);
      await api.post('/api/v1/scripts', {
        name: 'Watched script',
        type: 'oneoff',
        source: 'return 1;',
      });
      // The watcher also hears its own creation; wait for the other script's event.
      const outputs = await waitFor('service event', async () => {
        const rows = (await executions(watcher)).filter((e) => e.status === 'completed');
        const full = await Promise.all(
          rows.map(async (e) => (await api.get(`/api/v1/executions/${e.id}`)).json().output),
        );
        return full.includes('Watched script') ? full : null;
      });
      assert.ok(outputs.includes('Watched script'));
    });
  });
}
