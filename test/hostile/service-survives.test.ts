// The hostile suite at service level: the worst attacks sent through the real API (one sandbox
// per node, as deployed), each ending in a clean failure with the right status and code, and
// after each the service still answers /health/live and runs a normal script.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testServers } from '../helpers/databases.js';
import { ADMIN_TOKEN, apiClient, startTestService, type TestService } from '../helpers/service.js';

const ATTACKS: Array<{
  name: string;
  source: string;
  status: string;
  code: string;
  limits?: Record<string, number>;
}> = [
  {
    name: 'loop after await',
    source: 'await null;\nwhile (true) {}',
    status: 'timeout',
    code: 'TIMEOUT',
    limits: { maxExecutionTimeMs: 1000 },
  },
  {
    name: 'memory bomb',
    source: 'const a = [];\nwhile (true) a.push(new Array(1e5).fill({ x: 1 }));',
    status: 'failed',
    code: 'MEMORY_LIMIT',
    limits: { maxMemoryBytes: 16 * 1024 * 1024 },
  },
  {
    name: 'huge buffer',
    source: 'const b = new ArrayBuffer(1024 * 1024 * 1024);\nreturn b.byteLength;',
    status: 'failed',
    code: 'MEMORY_LIMIT',
    limits: { maxMemoryBytes: 16 * 1024 * 1024 },
  },
  {
    name: 'constructor escape',
    source: "const f = this.constructor.constructor('return process')();\nreturn f.pid;",
    status: 'failed',
    code: 'SCRIPT_ERROR',
  },
  {
    name: 'sdk function escape',
    source: "return sdk.http.get.constructor('return process')().pid;",
    status: 'failed',
    code: 'SCRIPT_ERROR',
  },
  {
    name: 'deep recursion',
    source: 'function f(n) { return f(n + 1) + 1; }\nreturn f(0);',
    status: 'failed',
    code: 'SCRIPT_ERROR',
  },
  {
    name: 'microtask flood',
    source:
      'const spin = () => { Promise.resolve().then(spin); };\nspin();\nawait new Promise(() => {});',
    status: 'timeout',
    code: 'TIMEOUT',
    limits: { maxExecutionTimeMs: 1000 },
  },
  {
    name: 'cyclic output',
    source: 'const a = {};\na.self = a;\nreturn a;',
    status: 'failed',
    code: 'OUTPUT_NOT_SERIALIZABLE',
  },
  {
    name: 'output too large',
    source: "return 'x'.repeat(5000);",
    status: 'failed',
    code: 'OUTPUT_TOO_LARGE',
    limits: { maxOutputSizeBytes: 1024 },
  },
  {
    name: 'too many sdk calls',
    source: "for (let i = 0; i < 101; i++) await sdk.cache.get('k');",
    status: 'failed',
    code: 'API_CALL_LIMIT',
    limits: { maxApiCallsPerMinute: 300 },
  },
];

for (const server of testServers().slice(0, 1)) {
  describe(`hostile scripts through the service (${server.name} PostgreSQL)`, () => {
    let t: TestService;
    let api: ReturnType<typeof apiClient>;
    let normal = '';
    before(async () => {
      t = await startTestService(server, { SANDBOX_PROCESSES: '2' });
      api = apiClient(t.base, ADMIN_TOKEN);
      normal = (
        await api.post('/api/v1/scripts', {
          name: 'Normal',
          type: 'oneoff',
          source: 'return context.input.n + 1;',
        })
      ).json().id;
    });
    after(async () => {
      await t.stop();
    });

    for (const a of ATTACKS) {
      it(`${a.name}: ${a.status} ${a.code}, then the service is healthy`, async () => {
        const created = await api.post('/api/v1/scripts', {
          name: `Attack ${a.name}`,
          type: 'oneoff',
          source: a.source,
          ...(a.limits ? { limits: a.limits } : {}),
        });
        assert.equal(created.status, 201, created.text);
        const e = (
          await api.post(`/api/v1/scripts/${created.json().id}/executions`, { wait: true })
        ).json();
        assert.equal(e.status, a.status, JSON.stringify(e.error));
        assert.equal(e.error.code, a.code, e.error.message);
        assert.doesNotMatch(JSON.stringify(e.error), /\/work\/|node_modules|node:internal/);
        assert.equal((await fetch(`${t.base}/health/live`)).status, 200);
        const ok = (
          await api.post(`/api/v1/scripts/${normal}/executions`, { input: { n: 41 }, wait: true })
        ).json();
        assert.equal(ok.output, 42);
      });
    }

    it('kept prototype pollution out of the next execution', async () => {
      const polluter = (
        await api.post('/api/v1/scripts', {
          name: 'Polluter',
          type: 'oneoff',
          source:
            "try { Object.prototype.polluted = 'yes'; } catch {}\ntry { Array.prototype.push = () => 0; } catch {}\nreturn 1;",
        })
      ).json().id;
      await api.post(`/api/v1/scripts/${polluter}/executions`, { wait: true });
      const probe = (
        await api.post('/api/v1/scripts', {
          name: 'Probe',
          type: 'oneoff',
          source:
            'const a = []; a.push(1);\nreturn { polluted: ({}).polluted ?? null, length: a.length };',
        })
      ).json().id;
      const e = (await api.post(`/api/v1/scripts/${probe}/executions`, { wait: true })).json();
      assert.deepEqual(e.output, { polluted: null, length: 1 });
      const again = (
        await api.post(`/api/v1/scripts/${polluter}/executions`, { wait: true })
      ).json();
      assert.equal(again.status, 'completed');
    });
  });
}
