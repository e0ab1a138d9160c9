// Attack: reach Node through require, process, import(), timers or network globals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: require / process / import()', () => {
  const h = attack();

  it('none of them exist and dynamic import is refused', async () => {
    const body = `
      const names = ['require', 'process', 'module', 'exports', 'Buffer', 'global', 'fetch', 'XMLHttpRequest',
        'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'structuredClone', '$0', '$1'];
      const present = names.filter((n) => typeof globalThis[n] !== 'undefined');
      let imported;
      try { imported = typeof (await import('node:child_process')).exec; } catch (e) { imported = e.message; }
      return { present, imported };`;
    const value = h.expectValue(await h.run(body)) as { present: string[]; imported: string };
    assert.deepEqual(value.present, []);
    assert.equal(value.imported, 'Not supported');
    await h.assertHealthy();
  });
});
