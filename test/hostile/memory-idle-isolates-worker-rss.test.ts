// Attack: leave memory behind in idle isolates (here through the isolate-wide Symbol registry)
// with runs that all succeed within their own memory limit, until the worker process is over its
// RSS limit and is killed — failing every other tenant's run on it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: memory left in idle isolates', () => {
  const h = attack();

  it('does not push a worker process over its memory limit', async () => {
    // ~200 MiB kept per script, inside its 256 MiB limit; scripts spread over both workers.
    const body = `
      const base = 'y'.repeat(1024 * 1024);
      const salt = Math.random();
      for (let i = 0; i < 200; i++) Symbol.for(base + salt + i);
      return 'kept';`;
    const limits = { maxMemoryBytes: 256 * 1024 * 1024, maxExecutionTimeMs: 5000 };
    const seen: unknown[] = [];
    for (let i = 0; i < 12; i++) {
      const outcome = await h.run(body, { scriptId: `hog-${i}`, limits });
      seen.push(outcome.ok ? outcome.value : outcome.error.code);
    }
    assert.deepEqual(seen, Array<string>(12).fill('kept'));
    await h.assertHealthy();
  });
});
