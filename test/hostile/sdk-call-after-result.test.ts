// Attack: start SDK calls in a promise reaction that runs after the script's result is in (a
// long .then chain outlives the runner), then check whether they still act once the execution is
// over: a cache write and an HTTP POST to a loopback server, through the real dispatcher and
// capabilities. The execution has ended when its result is in; a call made then must be refused
// and leave no trace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attack } from './harness.js';
import { createMemoryCache } from '../../src/cache/memory.js';
import { createMemoryRateLimiter } from '../../src/cache/rate-limiter.js';
import { createSdkDispatcher } from '../../src/runtime/sdk/dispatcher.js';
import { createCacheCapability } from '../../src/runtime/sdk/cache/cache-capability.js';
import { createHttpCapability } from '../../src/runtime/sdk/http/http-capability.js';
import type { SdkHandler, SdkResult } from '../../src/runtime/sdk/types.js';

describe('hostile: SDK calls made after the result is in', () => {
  const h = attack();

  it('are refused and have no side effect', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      received.push(`${req.method ?? ''} ${req.url ?? ''}`);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const store = createMemoryCache();
    const http = createHttpCapability({ allowlist: [`127.0.0.1:${port}`] });
    const dispatcher = createSdkDispatcher({
      capabilities: [createCacheCapability({ store }), http],
      rateLimiter: createMemoryRateLimiter(),
    });
    try {
      const execution = dispatcher.forExecution(
        {
          tenantId: 'tenant-1',
          scriptId: 'after-result',
          executionId: 'e-after-result',
          userId: null,
          organizationId: null,
          deadline: Date.now() + 10_000,
          chainDepth: 0,
        },
        { maxApiCallsPerMinute: 1000 },
      );
      // Every call the execution's handler answers, so the test can wait for all of them.
      const answers: Promise<SdkResult>[] = [];
      const handler: SdkHandler = (call) => {
        const answer = execution.handler(call);
        answers.push(answer);
        return answer;
      };
      const body = `
        let p = Promise.resolve();
        for (let i = 0; i < 50; i++) p = p.then(() => 0);
        p.then(() => {
          sdk.cache.set('late', 'written after the result').catch(() => {});
          sdk.http.post('http://127.0.0.1:${port}/late', { late: true }).catch(() => {});
        });
        return 'result';`;
      const outcome = await h.run(body, { scriptId: 'after-result', sdk: handler });
      // What the executor does once the sandbox answered: the execution is over.
      await execution.release();
      assert.equal(h.expectValue(outcome), 'result');
      const settled = await Promise.all(answers);

      assert.deepEqual(received, [], 'no HTTP request after the execution ended');
      assert.equal(
        await store.get('tenant:tenant-1:script:after-result:late'),
        null,
        'no cache write after the execution ended',
      );
      for (const answer of settled) assert.equal(answer.ok, false, JSON.stringify(answer));
      await h.assertHealthy();
    } finally {
      await http.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
