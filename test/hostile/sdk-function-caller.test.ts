// Attack: arguments.callee / fn.caller to climb from script code into the runtime's functions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

describe('hostile: arguments.callee and caller', () => {
  const h = attack();

  it('reaches no runtime function', async () => {
    const body = `
      const self = arguments.callee;
      const out = {};
      try { out.caller = typeof self.caller === 'function' ? 'leaked' : 'safe'; } catch (e) { out.caller = e.name; }
      for (const [name, fn] of [['http.get', sdk.http.get], ['log.info', sdk.log.info], ['publish', events.publish]]) {
        try { out[name] = typeof fn.caller; } catch (e) { out[name] = e.name; }
        try { out[name + '.arguments'] = typeof fn.arguments; } catch (e) { out[name + '.arguments'] = e.name; }
      }
      let inside = 'not called';
      // A sloppy function called from inside the SDK's metadata serialisation.
      const probe = { toJSON: function () {
        try { inside = typeof probe.toJSON.caller === 'function' ? 'leaked' : 'safe'; } catch (e) { inside = e.name; }
        return 1;
      } };
      sdk.log.info('x', probe);
      out.inside = inside;
      return out;`;
    assert.deepEqual(h.expectValue(await h.run(body)), {
      caller: 'TypeError',
      'http.get': 'TypeError',
      'http.get.arguments': 'TypeError',
      'log.info': 'TypeError',
      'log.info.arguments': 'TypeError',
      publish: 'TypeError',
      'publish.arguments': 'TypeError',
      inside: 'safe',
    });
    await h.assertHealthy();
  });
});
