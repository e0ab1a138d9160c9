// Attack: read stack traces of SDK errors and runtime frames for host paths or internals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: stack traces', () => {
  const h = attack();

  it('show only sandbox file names', async () => {
    const sdk = () =>
      Promise.resolve({
        ok: false as const,
        code: 'SSRF_BLOCKED',
        message: 'SSRF protection - Blocked private IP or cloud metadata endpoint',
      });
    const body = `
      const stacks = [];
      try { await sdk.http.get('http://169.254.169.254/latest/meta-data'); } catch (e) { stacks.push(e.stack); }
      try { null.x; } catch (e) { stacks.push(e.stack); }
      try { sdk.log.info({ toJSON() { throw new Error('inner'); } }); } catch (e) { stacks.push('log threw'); }
      stacks.push(new Error('here').stack);
      return stacks.join('\\n');`;
    const stacks = h.expectValue(await h.run(body, { sdk })) as string;
    assert.match(stacks, /SSRF protection/);
    assert.doesNotMatch(stacks, /\/work\/|node_modules|node:|file:|isolated-vm|log threw/);
    for (const frame of stacks.split('\n').filter((l) => l.trim().startsWith('at '))) {
      assert.match(frame, /script\.js|jsruntime-sdk\.js|<anonymous>/, frame);
    }
    await h.assertHealthy();
  });
});
