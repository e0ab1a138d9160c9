// Attack: several concurrent runs of one script, each well inside its own memory limit (the SPEC
// allows up to 512 MiB per run and up to 20 concurrent runs), land on the same worker process
// together and push it over its memory limit: it is killed, and every other tenant's run on it
// fails with SANDBOX_CRASHED. Nothing admits runs against the memory a worker has left.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: concurrent runs near their memory limit', () => {
  const h = attack();

  it('do not get a worker process killed', async () => {
    // ~350 MiB live, held for a second (longer than the workers' health reports take to come).
    const body = `
      const parts = [];
      for (let i = 0; i < 350; i++) parts.push(new Array(128 * 1024).fill(i + 0.5));
      const start = Date.now();
      while (Date.now() - start < 1000);
      return parts.length;`;
    const limits = { maxExecutionTimeMs: 10000, maxMemoryBytes: 512 * 1024 * 1024 };
    const outcomes = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(() => h.run(body, { scriptId: 'near-limit', limits })),
    );
    for (const outcome of outcomes) {
      if (!outcome.ok)
        assert.notEqual(outcome.error.code, 'SANDBOX_CRASHED', outcome.error.message);
    }
    await h.assertHealthy();
  });
});
