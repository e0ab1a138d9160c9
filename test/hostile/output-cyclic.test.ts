// Attack: return a cyclic structure to break serialisation of the result.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: cyclic output', () => {
  const h = attack();

  it('fails with OUTPUT_NOT_SERIALIZABLE', async () => {
    const error = h.expectError(
      await h.run('const a = { list: [] };\na.list.push({ parent: a });\nreturn a;'),
      'OUTPUT_NOT_SERIALIZABLE',
    );
    assert.match(error.message, /circular/);
    await h.assertHealthy();
  });
});
