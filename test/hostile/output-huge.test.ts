// Attack: return more than maxOutputSizeBytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: huge output', () => {
  const h = attack();

  it('fails with OUTPUT_TOO_LARGE', async () => {
    const outcome = await h.run(
      'return Array.from({ length: 20000 }, (_, i) => ({ i, s: "payload" }));',
    );
    const error = h.expectError(outcome, 'OUTPUT_TOO_LARGE');
    assert.equal(error.message, 'Output is larger than 65536 bytes');
    await h.assertHealthy();
  });
});
