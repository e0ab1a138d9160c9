// Attack: mutate context, sdk, events and console in place.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: frozen globals', () => {
  const h = attack();

  it('refuses every mutation of context, sdk, events and console', async () => {
    const body = `
      'use strict';
      const tries = {
        contextField: () => { context.tenantId = 'other-tenant'; },
        contextInput: () => { context.input.role = 'admin'; },
        contextTrigger: () => { context.trigger.type = 'cron'; },
        sdkMethod: () => { sdk.http.get = async () => 'fake'; },
        sdkNamespace: () => { sdk.db = {}; },
        sdkNewKey: () => { Object.defineProperty(sdk, 'evil', { value: 1 }); },
        eventsPublish: () => { events.publish = () => true; },
        consoleLog: () => { console.log = () => {}; },
        deleteSdk: () => { delete globalThis.sdk; },
        replaceContext: () => { globalThis.context = { tenantId: 'other-tenant' }; },
      };
      const result = {};
      for (const [name, attempt] of Object.entries(tries)) {
        try { attempt(); result[name] = 'changed'; } catch (e) { result[name] = e.name; }
      }
      result.tenant = context.tenantId;
      return result;`;
    const value = h.expectValue(await h.run(body)) as Record<string, string>;
    const { tenant, ...attempts } = value;
    assert.equal(tenant, 'tenant-1');
    for (const [name, outcome] of Object.entries(attempts))
      assert.equal(outcome, 'TypeError', name);
    assert.equal(Object.keys(attempts).length, 10);
    await h.assertHealthy();
  });
});
