import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileScript } from './compile.js';
import { createSandbox, type Sandbox } from './sandbox.js';
import { jsScript, makeRequest, noSdk } from './testing.js';
import type { ExecutionError, Outcome } from './outcome.js';

function errorOf(outcome: Outcome): ExecutionError {
  assert.equal(outcome.ok, false, 'expected a failed outcome');
  if (outcome.ok) throw new Error('unreachable');
  return outcome.error;
}

/** No host detail may reach the execution record. */
function assertSafe(error: ExecutionError): void {
  assert.doesNotMatch(error.message, /\/work\/|node_modules|node:internal|isolated-vm|\.ts:\d/);
}

describe('sandbox: script errors', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await createSandbox({ processes: 1 });
  });
  after(() => sandbox.close());

  it('reports the line and column of an uncaught throw', async () => {
    const body = 'const a = 1;\nconst b = 2;\n  throw new Error("boom at three");';
    const error = errorOf(await sandbox.run(makeRequest(body), noSdk));
    assert.deepEqual(error, {
      kind: 'script',
      code: 'SCRIPT_ERROR',
      message: 'boom at three',
      line: 3,
      column: 9,
    });
  });

  it('reports the position inside a nested function and after an await', async () => {
    const body = 'function f(o) {\n  return o.missing.deep;\n}\nawait null;\nf({});';
    const error = errorOf(await sandbox.run(makeRequest(body), noSdk));
    assert.equal(error.code, 'SCRIPT_ERROR');
    assert.match(error.message, /^TypeError: Cannot read properties of undefined/);
    assert.equal(error.line, 2);
    assert.equal(error.column, 20);
    assertSafe(error);
  });

  it('keeps a code the script put on its error', async () => {
    const body = 'const e = new Error("no such order"); e.code = "ORDER_NOT_FOUND"; throw e;';
    const error = errorOf(await sandbox.run(makeRequest(body), noSdk));
    assert.equal(error.code, 'ORDER_NOT_FOUND');
    assert.equal(error.message, 'no such order');
    const lower = errorOf(
      await sandbox.run(makeRequest('const e = new Error("x"); e.code = "nope"; throw e;'), noSdk),
    );
    assert.equal(lower.code, 'SCRIPT_ERROR');
  });

  it('maps TypeScript errors to the TypeScript source through the source map', async () => {
    const source = [
      'interface Order { id: number; total?: number }',
      'const orders: Order[] = [{ id: 1 }];',
      '',
      'function totalOf(order: Order): number {',
      '  if (order.total === undefined) throw new RangeError(`order ${order.id} has no total`);',
      '  return order.total;',
      '}',
      'return orders.map(totalOf);',
    ].join('\n');
    const compiled = await compileScript(source, 'typescript');
    assert.ok(compiled.ok);
    const script = {
      id: 'ts-errors',
      version: 1,
      code: compiled.code,
      sourceMap: compiled.sourceMap,
      lineOffset: compiled.lineOffset,
    };
    const error = errorOf(await sandbox.run(makeRequest(script), noSdk));
    assert.deepEqual(error, {
      kind: 'script',
      code: 'SCRIPT_ERROR',
      message: 'RangeError: order 1 has no total',
      line: 5,
      column: 40,
    });
  });

  it('reports SYNTAX_ERROR with a position for code that does not compile', async () => {
    const error = errorOf(await sandbox.run(makeRequest('const x = 1;\nreturn x +;'), noSdk));
    assert.equal(error.code, 'SYNTAX_ERROR');
    assert.equal(error.kind, 'script');
    assert.equal(error.line, 2);
    assert.match(error.message, /Unexpected token/);
    assertSafe(error);
  });

  it('describes thrown non-Error values without calling them', async () => {
    const cases: [string, string][] = [
      ['throw "plain string"', 'Uncaught plain string'],
      ['throw 42', 'Uncaught 42'],
      ['throw null', 'Uncaught null'],
      ['throw { toString() { for (;;) {} } }', 'Uncaught non-Error value'],
      [
        'throw { toString() { throw new Error("again") }, valueOf() { for (;;) {} } }',
        'Uncaught non-Error value',
      ],
      ['throw new Proxy({}, {})', 'Uncaught non-Error value'],
    ];
    for (const [body, message] of cases) {
      const error = errorOf(await sandbox.run(makeRequest(body), noSdk));
      assert.equal(error.code, 'SCRIPT_ERROR', body);
      assert.equal(error.message, message, body);
    }
  });

  it('treats a stack overflow as a script error and keeps the isolate usable', async () => {
    const script = jsScript('const f = (n) => f(n + 1) + 1;\nreturn f(0);', { id: 'recursion' });
    const error = errorOf(await sandbox.run(makeRequest(script), noSdk));
    assert.equal(error.code, 'SCRIPT_ERROR');
    assert.equal(error.message, 'RangeError: Maximum call stack size exceeded');
    assert.equal(error.line, 1);
    const next = await sandbox.run(
      makeRequest(jsScript('return "fine"', { id: 'recursion' })),
      noSdk,
    );
    assert.deepEqual(next.ok && next.value, 'fine');
  });

  it('fails a script with an unhandled rejection like Node would', async () => {
    const error = errorOf(
      await sandbox.run(
        makeRequest('Promise.reject(new Error("lost"));\nawait null;\nreturn 1'),
        noSdk,
      ),
    );
    assert.equal(error.code, 'SCRIPT_ERROR');
    assert.equal(error.message, 'lost');
    assert.equal(error.line, 1);
  });
});
