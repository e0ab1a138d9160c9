// Attack: an endless chain of microtasks that never yields to the host.
import { describe, it } from 'node:test';
import { attack } from './harness.js';

describe('hostile: microtask flood', () => {
  const h = attack();

  it('is stopped with TIMEOUT', async () => {
    const body =
      'const spin = () => { Promise.resolve().then(spin); };\nspin();\nawait new Promise(() => {});';
    h.expectError(await h.run(body, { limits: { maxExecutionTimeMs: 300 } }), 'TIMEOUT');
    await h.assertHealthy();
  });
});
