import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from './sandbox.js';
import { makeRequest, noSdk } from './testing.js';
import type { Outcome } from './outcome.js';
import type { SdkHandler, SdkResult } from './sdk/types.js';

/** An SDK handler whose calls never finish, with a promise that resolves on the first call. */
function hangingSdk(): { handler: SdkHandler; called: Promise<void> } {
  let signal: () => void = () => {};
  const called = new Promise<void>((resolve) => {
    signal = resolve;
  });
  const handler: SdkHandler = () => {
    signal();
    return new Promise<SdkResult>(() => {});
  };
  return { handler, called };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function healthy(sandbox: Sandbox): Promise<void> {
  const outcomes = await Promise.all(
    [0, 1, 2, 3].map((i) =>
      sandbox.run(makeRequest(`return ${i}`, { scriptId: `healthy-${i}` }), noSdk),
    ),
  );
  assert.deepEqual(
    outcomes.map((o) => o.ok && o.value),
    [0, 1, 2, 3],
  );
}

function codeOf(outcome: Outcome): string {
  return outcome.ok ? 'ok' : outcome.error.code;
}

describe('sandbox: lifecycle', () => {
  it('starts its processes, reports stats and closes them', async () => {
    const sandbox = await createSandbox({ processes: 2 });
    const pids = sandbox.workerPids();
    assert.equal(pids.length, 2);
    assert.deepEqual(sandbox.stats(), {
      processes: 2,
      isolates: 0,
      busy: 0,
      restarts: 0,
      contexts: { fresh: 0, reused: 0 },
    });
    await healthy(sandbox);
    await sandbox.close();
    assert.deepEqual(pids.map(isAlive), [false, false]);
    const late = await sandbox.run(makeRequest('return 1'), noSdk);
    assert.equal(codeOf(late), 'SANDBOX_CRASHED');
  });

  it('counts busy runs', async () => {
    const sandbox = await createSandbox({ processes: 1 });
    try {
      const sdk = hangingSdk();
      const request = makeRequest('await sdk.cache.get("k")', {
        limits: { maxExecutionTimeMs: 5000 },
      });
      const running = sandbox.run(request, sdk.handler);
      await sdk.called;
      assert.equal(sandbox.stats().busy, 1);
      assert.equal(sandbox.cancel(request.executionId), true);
      assert.equal(codeOf(await running), 'CANCELLED');
      assert.equal(sandbox.stats().busy, 0);
    } finally {
      await sandbox.close();
    }
  });

  it('cancels a run waiting on the SDK, a run in a loop, and nothing unknown', async () => {
    const sandbox = await createSandbox({ processes: 1 });
    try {
      const sdk = hangingSdk();
      const waiting = makeRequest('await sdk.http.get("https://example.test")', {
        limits: { maxExecutionTimeMs: 10_000 },
      });
      const first = sandbox.run(waiting, sdk.handler);
      await sdk.called;
      assert.equal(sandbox.cancel(waiting.executionId), true);
      const cancelled = await first;
      assert.equal(codeOf(cancelled), 'CANCELLED');
      assert.equal(!cancelled.ok && cancelled.error.kind, 'cancelled');

      const looping = makeRequest('sdk.log.info("spinning"); for (;;) {}', {
        limits: { maxExecutionTimeMs: 10_000 },
      });
      const started = Date.now();
      const second = sandbox.run(looping, noSdk);
      await waitFor(() => sandbox.stats().busy === 1, 'the loop to start');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(sandbox.cancel(looping.executionId), true);
      const stopped = await second;
      assert.equal(codeOf(stopped), 'CANCELLED');
      assert.ok(Date.now() - started < 5000);

      assert.equal(sandbox.cancel('no-such-execution'), false);
      await healthy(sandbox);
    } finally {
      await sandbox.close();
    }
  });

  it('fails in-flight runs with SANDBOX_CRASHED when a worker dies, then runs again', async () => {
    const sandbox = await createSandbox({ processes: 2 });
    try {
      const sdk = hangingSdk();
      const running = sandbox.run(
        makeRequest('await sdk.cache.get("k")', { limits: { maxExecutionTimeMs: 10_000 } }),
        sdk.handler,
      );
      await sdk.called;
      for (const pid of sandbox.workerPids()) process.kill(pid, 'SIGKILL');
      const outcome = await running;
      assert.equal(codeOf(outcome), 'SANDBOX_CRASHED');
      assert.equal(!outcome.ok && outcome.error.kind, 'system');
      assert.equal(
        !outcome.ok && outcome.error.message,
        'The sandbox process stopped unexpectedly',
      );
      await waitFor(() => sandbox.stats().processes === 2, 'replacement workers');
      assert.equal(sandbox.stats().restarts, 2);
      await healthy(sandbox);
    } finally {
      await sandbox.close();
    }
  });

  it('kills a worker that stops answering once a run is past deadline + grace', async () => {
    const sandbox = await createSandbox({ processes: 1, watchdogGraceMs: 300 });
    try {
      const sdk = hangingSdk();
      const request = makeRequest('await sdk.cache.get("k")', {
        limits: { maxExecutionTimeMs: 300 },
      });
      const running = sandbox.run(request, sdk.handler);
      await sdk.called;
      const [pid] = sandbox.workerPids();
      assert.ok(pid);
      process.kill(pid, 'SIGSTOP'); // the worker can no longer report its own TIMEOUT
      const outcome = await running;
      assert.equal(codeOf(outcome), 'TIMEOUT');
      assert.equal(isAlive(pid), false);
      await waitFor(() => sandbox.stats().processes === 1, 'a replacement worker');
      assert.equal(sandbox.stats().restarts, 1);
      await healthy(sandbox);
    } finally {
      await sandbox.close();
    }
  });

  it('kills a worker whose RSS exceeds the cap', async () => {
    const sandbox = await createSandbox({
      processes: 1,
      processMemoryLimitBytes: 300 * 1024 * 1024,
    });
    try {
      const sdk = hangingSdk();
      const body = `
        const chunks = [];
        for (let i = 0; i < 400; i++) chunks.push(new Uint8Array(1024 * 1024).fill(i & 255));
        await sdk.cache.get('hold');
        return chunks.length;`;
      const request = makeRequest(body, {
        limits: { maxMemoryBytes: 512 * 1024 * 1024, maxExecutionTimeMs: 10_000 },
      });
      const outcome = await sandbox.run(request, sdk.handler);
      assert.equal(codeOf(outcome), 'SANDBOX_CRASHED');
      assert.equal(
        !outcome.ok && outcome.error.message,
        'The sandbox process exceeded its memory limit',
      );
      await waitFor(() => sandbox.stats().processes === 1, 'a replacement worker');
      await healthy(sandbox);
    } finally {
      await sandbox.close();
    }
  });

  it('gives an SDK handler that rejects (a bug) a clean SDK_ERROR in the script', async () => {
    const sandbox = await createSandbox({ processes: 1 });
    try {
      const broken: SdkHandler = () => Promise.reject(new Error('secret detail /etc/passwd'));
      const outcome = await sandbox.run(
        makeRequest('try { await sdk.cache.get("k") } catch (e) { return [e.code, e.message] }'),
        broken,
      );
      assert.deepEqual(outcome.ok && outcome.value, ['SDK_ERROR', 'Internal SDK error']);
    } finally {
      await sandbox.close();
    }
  });

  it('rejects a malformed request (a caller bug) instead of running it', async () => {
    const sandbox = await createSandbox({ processes: 1 });
    try {
      const request = makeRequest('return 1', { limits: { maxExecutionTimeMs: 0 } });
      await assert.rejects(sandbox.run(request, noSdk), TypeError);
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      await assert.rejects(
        sandbox.run(makeRequest('return 1', { input: cyclic }), noSdk),
        TypeError,
      );
    } finally {
      await sandbox.close();
    }
  });
});
