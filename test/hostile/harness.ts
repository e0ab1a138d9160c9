// Shared setup for the hostile suite: one sandbox per file (two worker processes, small limits)
// and the health check every attack ends with. One attack per file.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '../../src/runtime/sandbox.js';
import { makeRequest, noSdk, type RequestOptions } from '../../src/runtime/testing.js';
import type { ExecutionError, Outcome } from '../../src/runtime/outcome.js';
import type { SdkHandler } from '../../src/runtime/sdk/types.js';
import type { RunLimits } from '../../src/runtime/run-request.js';

export const HOSTILE_LIMITS: RunLimits = {
  maxExecutionTimeMs: 1000,
  maxMemoryBytes: 32 * 1024 * 1024,
  maxOutputSizeBytes: 64 * 1024,
};

export interface Attack {
  readonly sandbox: () => Sandbox;
  run(body: string, options?: RequestOptions & { sdk?: SdkHandler }): Promise<Outcome>;
  /** Asserts a failed outcome with this code and returns its error. */
  expectError(outcome: Outcome, code: string): ExecutionError;
  /** Asserts a successful outcome and returns its value. */
  expectValue(outcome: Outcome): unknown;
  /**
   * Counts the runs made from here on: how many got a fresh context and how many ran in a
   * context an earlier run of the same script left reusable.
   */
  countContexts(): () => { fresh: number; reused: number };
  /** A normal script still runs, on every worker process, and no worker was replaced. */
  assertHealthy(options?: { restarts?: number }): Promise<void>;
}

/** Call inside `describe`: starts the sandbox before the tests and closes it after them. */
export function attack(): Attack {
  let sandbox: Sandbox | null = null;
  before(async () => {
    sandbox = await createSandbox({ processes: 2, maxIsolatesPerProcess: 50 });
  });
  after(async () => {
    await sandbox?.close();
  });
  const current = (): Sandbox => {
    if (!sandbox) throw new Error('sandbox not started');
    return sandbox;
  };
  return {
    sandbox: current,
    run(body, options = {}) {
      const { sdk, ...requestOptions } = options;
      const limits = { ...HOSTILE_LIMITS, ...requestOptions.limits };
      return current().run(makeRequest(body, { ...requestOptions, limits }), sdk ?? noSdk);
    },
    countContexts() {
      const before = current().stats().contexts;
      return () => {
        const now = current().stats().contexts;
        return { fresh: now.fresh - before.fresh, reused: now.reused - before.reused };
      };
    },
    expectError(outcome, code) {
      assert.equal(
        outcome.ok,
        false,
        `expected ${code}, got a value: ${JSON.stringify(outcome.ok && outcome.value)}`,
      );
      if (outcome.ok) throw new Error('unreachable');
      assert.equal(outcome.error.code, code, outcome.error.message);
      assert.doesNotMatch(outcome.error.message, /\/work\/|node_modules|node:internal|isolated-vm/);
      return outcome.error;
    },
    expectValue(outcome) {
      assert.equal(
        outcome.ok,
        true,
        outcome.ok ? '' : `${outcome.error.code}: ${outcome.error.message}`,
      );
      return outcome.ok ? outcome.value : undefined;
    },
    async assertHealthy({ restarts = 0 } = {}) {
      const box = current();
      // Concurrent runs of distinct scripts spread over both processes (least busy first).
      const outcomes = await Promise.all(
        [0, 1, 2, 3].map((i) =>
          box.run(
            makeRequest(`return ${i} * 2`, { scriptId: `health-${i}`, limits: HOSTILE_LIMITS }),
            noSdk,
          ),
        ),
      );
      assert.deepEqual(
        outcomes.map((o) => (o.ok ? o.value : o.error.code)),
        [0, 2, 4, 6],
      );
      const stats = box.stats();
      assert.equal(stats.processes, 2);
      assert.equal(stats.restarts, restarts);
      assert.equal(box.workerPids().length, 2);
    },
  };
}
