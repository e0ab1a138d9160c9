// Attack: walk from an SDK function (host-backed) to a constructor that reaches the host.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: sdk.http.get.constructor', () => {
  const h = attack();

  it('leads only to the tamed Function constructor of the sandbox', async () => {
    const body = `
      const attempts = [];
      for (const fn of [sdk.http.get, sdk.db.transaction, sdk.log.info, events.publish, console.log]) {
        try { attempts.push(typeof fn.constructor('return process')()); } catch (e) { attempts.push(e.name); }
        try { attempts.push(typeof fn.constructor.constructor('return this')()); } catch (e) { attempts.push(e.name); }
      }
      return { attempts, sameRealm: sdk.http.get instanceof Function && Object.getPrototypeOf(sdk.http.get) === Function.prototype };`;
    const value = h.expectValue(await h.run(body)) as { attempts: string[]; sameRealm: boolean };
    assert.deepEqual(value.attempts, Array(10).fill('EvalError'));
    assert.equal(value.sameRealm, true);
    await h.assertHealthy();
  });
});
