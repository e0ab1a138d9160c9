// Attack surface check: any object a script can reach that is not frozen is a place where one
// execution could leave something for the next in the same context. Walk everything reachable
// from the global object and from syntax (function, generator, iterator and Intl intrinsics)
// through own properties, accessors and prototypes, and list what is not frozen.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attack } from './harness.js';

const WALK = `
  const proto = Object.getPrototypeOf;
  const roots = [
    ['globalThis', globalThis],
    ['%AsyncFunction.prototype%', proto(async function () {})],
    ['%GeneratorPrototype%', proto(proto((function* () {})()))],
    ['%AsyncGeneratorPrototype%', proto(proto((async function* () {})()))],
    ['array iterator', [][Symbol.iterator]()],
    ['map iterator', new Map()[Symbol.iterator]()],
    ['set iterator', new Set()[Symbol.iterator]()],
    ['string iterator', ''[Symbol.iterator]()],
    ['regexp string iterator', /x/g[Symbol.matchAll]('x')],
    ['segments', new Intl.Segmenter().segment('a')],
    ['segment iterator', new Intl.Segmenter().segment('a')[Symbol.iterator]()],
    ['strict arguments', (function () { 'use strict'; return arguments; })()],
  ];
  const fresh = new Set(roots.slice(4).map(([, value]) => value));
  const seen = new Set();
  const open = [];
  const stack = roots.map(([path, value]) => [path, value]);
  while (stack.length > 0) {
    const [path, object] = stack.pop();
    if (seen.has(object)) continue;
    seen.add(object);
    // Instances made above are this run's own objects; what they lead to is not.
    if (object !== globalThis && !fresh.has(object) && !Object.isFrozen(object)) open.push(path);
    const visit = (next, name) => {
      if ((typeof next === 'object' && next !== null) || typeof next === 'function') {
        if (!seen.has(next)) stack.push([path + name, next]);
      }
    };
    visit(Object.getPrototypeOf(object), '.[[Prototype]]');
    for (const key of Reflect.ownKeys(object)) {
      const d = Object.getOwnPropertyDescriptor(object, key);
      const name = '.' + String(key);
      visit(d.value, name);
      visit(d.get, name + '.get');
      visit(d.set, name + '.set');
    }
  }
  return { open, reached: seen.size };`;

describe('hostile: objects reachable by a script', () => {
  const h = attack();

  it('are all frozen, except the global object itself', async () => {
    const result = h.expectValue(await h.run(WALK, { scriptId: 'walker' })) as {
      open: string[];
      reached: number;
    };
    assert.deepEqual(result.open, []);
    assert.ok(result.reached > 500, `walked only ${result.reached} objects`);
    await h.assertHealthy();
  });
});
