import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';
import vm from 'node:vm';
import { compileScript, formatCompileErrors, mapPosition } from './compile.js';
import type { CompileError, CompileResult, CompiledScript } from './compile.js';

function compiled(result: CompileResult): CompiledScript {
  if (!result.ok) assert.fail(`expected success, got ${JSON.stringify(result.errors)}`);
  return result;
}

function errors(result: CompileResult): CompileError[] {
  if (result.ok) assert.fail(`expected syntax errors, got code ${JSON.stringify(result.code)}`);
  return result.errors;
}

/** Evaluate `(code)` the way a sandbox does, in a fresh context with the given globals. */
function evaluate(code: string, globals: Record<string, unknown> = {}): () => Promise<unknown> {
  return vm.runInNewContext(`(${code})`, globals, {
    filename: 'user-script.js',
  }) as () => Promise<unknown>;
}

/** Run the compiled function and return where V8 says it threw (1-based, in `code`). */
async function throwPosition(code: string): Promise<{ line: number; column: number }> {
  try {
    await evaluate(code)();
  } catch (err) {
    const m = /user-script\.js:(\d+):(\d+)/.exec(String((err as Error).stack));
    assert.ok(m, `no position in ${String((err as Error).stack)}`);
    return { line: Number(m[1]), column: Number(m[2]) };
  }
  assert.fail('expected the script to throw');
}

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  body: string,
) => unknown;
function v8Parses(body: string): boolean {
  try {
    new AsyncFunction(body);
    return true;
  } catch {
    return false;
  }
}

void test('JavaScript is wrapped byte for byte; await and return work at top level', async () => {
  const source = 'const a = await Promise.resolve(20);\n// trailing comment';
  const c = compiled(await compileScript(source + '\nreturn a + input;', 'javascript'));
  assert.equal(c.code, `async function () {\n${source}\nreturn a + input;\n}`);
  assert.equal(c.sourceMap, null);
  assert.equal(c.lineOffset, 1);
  assert.equal(await evaluate(c.code, { input: 22 })(), 42);
  // A body ending in a line comment still closes.
  const commentLast = compiled(await compileScript('return 7 // done', 'javascript'));
  assert.equal(await evaluate(commentLast.code)(), 7);
});

void test('braces inside strings, regexes, templates and comments are fine', async () => {
  const source = [
    'const s = "}";',
    'const r = /}/.source;',
    'const t = `}${"{"}`;',
    '// })(); evil(); (async function () {',
    '/* } */',
    'return s + r + t;',
  ].join('\n');
  for (const language of ['javascript', 'typescript'] as const) {
    const c = compiled(await compileScript(source, language));
    assert.equal(await evaluate(c.code)(), '}}}{', language);
  }
});

void test('evaluating the code only creates the function; nothing runs until it is called', async () => {
  const c = compiled(await compileScript('globalThis.ran = true; return 1;', 'javascript'));
  const context = vm.createContext({});
  const fn = vm.runInContext(`(${c.code})`, context) as () => Promise<unknown>;
  assert.equal(vm.runInContext('globalThis.ran', context), undefined);
  assert.equal(await fn(), 1);
  assert.equal(vm.runInContext('globalThis.ran', context), true);
});

void test('JavaScript syntax errors are reported at the user’s line and column', async () => {
  assert.deepEqual(
    errors(await compileScript('const a = 1;\nconst b = 2;\n    );\n', 'javascript')),
    [{ line: 3, column: 5, message: 'Unexpected ")"' }],
  );
  // Columns count UTF-16 units, not UTF-8 bytes.
  assert.deepEqual(
    errors(await compileScript('const é = "ü😀"; foo(;', 'javascript')).map((e) => [
      e.line,
      e.column,
    ]),
    [[1, 22]],
  );
  // CRLF line endings.
  assert.deepEqual(
    errors(await compileScript('a;\r\nb;\r\n  )', 'javascript')).map((e) => [e.line, e.column]),
    [[3, 3]],
  );
  // The source ends too early: reported after its last character, not on the wrapper.
  assert.deepEqual(
    errors(await compileScript('const x = 1;\nreturn x +', 'javascript')).map((e) => [
      e.line,
      e.column,
    ]),
    [[2, 11]],
  );
  const unterminated = errors(await compileScript('const a = 1;\n/* open', 'javascript'));
  assert.equal(unterminated[0]?.line, 2);
  assert.match(unterminated[0]?.message ?? '', /\*\//);
  // Module syntax is not allowed in a function body.
  assert.equal(errors(await compileScript('import fs from "node:fs";', 'javascript'))[0]?.line, 1);
});

void test('syntax V8 cannot run is caught even when esbuild accepts it', async () => {
  const source = 'const a = 1;\nusing x = null;\nreturn a;';
  const result = await compileScript(source, 'javascript');
  if (v8Parses(source)) {
    assert.equal(result.ok, true);
  } else {
    const [e] = errors(result);
    assert.equal(e?.line, 2);
    assert.equal(e?.column, 7);
  }
});

void test('TypeScript: types are stripped, the code runs', async () => {
  const source = [
    'interface Order { id: number; total: number }',
    'type Id<T> = T;',
    'enum Level { Low = 1, High = 10 }',
    'function sum<T extends Order>(items: readonly T[]): number {',
    '  return items.reduce((acc: number, o) => acc + o.total, 0);',
    '}',
    'const orders = [{ id: 1, total: 5 }, { id: 2, total: 7 }] satisfies Order[];',
    'const id: Id<number> = orders[0]!.id;',
    'const data = (await Promise.resolve({ n: 3 })) as unknown as { n: number };',
    'class Box { constructor(private readonly v: number) {} get(): number { return this.v; } }',
    'return { total: sum(orders), id, n: data.n, level: Level.High, box: new Box(4).get() };',
  ].join('\n');
  const c = compiled(await compileScript(source, 'typescript'));
  assert.doesNotMatch(c.code, /interface|satisfies|\bas unknown\b|: number/);
  assert.match(c.code, /^async function \(\) \{\n/);
  assert.match(c.code, /\n\}$/);
  assert.deepEqual(JSON.parse(JSON.stringify(await evaluate(c.code)())), {
    total: 12,
    id: 1,
    n: 3,
    level: 10,
    box: 4,
  });
  const map = JSON.parse(c.sourceMap ?? 'null') as Record<string, unknown>;
  assert.deepEqual(map['sources'], ['script.ts']);
  assert.equal(map['version'], 3);
  assert.equal('sourcesContent' in map, false);
});

void test('TypeScript: type errors are not checked (esbuild strips types only)', async () => {
  assert.equal(
    (await compileScript('const a: number = "text";\nreturn a;', 'typescript')).ok,
    true,
  );
});

void test('TypeScript syntax errors are reported at the user’s line and column', async () => {
  assert.deepEqual(
    errors(await compileScript('const a: number = 1;\nconst b = 2;\n    );\n', 'typescript')),
    [{ line: 3, column: 5, message: 'Unexpected ")"' }],
  );
  assert.deepEqual(
    errors(await compileScript('interface A {\n  x: number\n\nreturn 1;', 'typescript')).map(
      (e) => e.line,
    ),
    [4],
  );
  assert.equal(errors(await compileScript('export const a = 1;', 'typescript'))[0]?.line, 1);
});

void test('mapPosition: a runtime throw in JavaScript maps to the user’s line and column', async () => {
  const source = 'const a = 1;\nif (a) {\n  throw new Error("boom");\n}';
  const c = compiled(await compileScript(source, 'javascript'));
  const at = await throwPosition(c.code);
  assert.deepEqual(mapPosition(c, at.line, at.column), { line: 3, column: 9 });
  assert.equal(mapPosition(c, 1, 5), null); // wrapper header
  assert.equal(mapPosition(c, 6, 1), null); // wrapper footer
  assert.deepEqual(mapPosition(c, 5, 1), { line: 4, column: 1 });
});

void test('mapPosition: a runtime throw in TypeScript maps through the source map', async () => {
  const source = [
    'interface Payload { message: string }',
    'const n: number = 5;',
    'const p = { message: "boom" } as Payload;',
    'if (n > (1 as number)) {',
    '  const msg: string = p.message;',
    '      throw new Error(msg);',
    '}',
  ].join('\n');
  const c = compiled(await compileScript(source, 'typescript'));
  const at = await throwPosition(c.code);
  assert.deepEqual(mapPosition(c, at.line, at.column), { line: 6, column: 13 });
  assert.equal(mapPosition(c, 1, 1), null);
  // The documented rule, as a consumer without this module applies it: source map, then − lineOffset.
  const entry = new SourceMap(JSON.parse(c.sourceMap ?? '') as SourceMapPayload).findEntry(
    at.line - 1,
    at.column - 1,
  ) as { originalLine: number; originalColumn: number };
  assert.deepEqual([entry.originalLine + 1 - c.lineOffset, entry.originalColumn + 1], [6, 13]);
  // A stored copy of the fields maps the same way.
  const stored = { code: c.code, sourceMap: c.sourceMap, lineOffset: c.lineOffset };
  assert.deepEqual(mapPosition(stored, at.line, at.column), { line: 6, column: 13 });
});

void test('mapPosition works after helper code esbuild adds for lowered syntax', async () => {
  const source = 'using res = null;\nconst v: number = 2;\nthrow new Error(`v=${v}`);';
  const c = compiled(await compileScript(source, 'typescript'));
  assert.ok(c.lineOffset > 1, 'expected helper lines before the body');
  const at = await throwPosition(c.code);
  assert.deepEqual(mapPosition(c, at.line, at.column), { line: 3, column: 7 });
  const entry = new SourceMap(JSON.parse(c.sourceMap ?? '') as SourceMapPayload).findEntry(
    at.line - 1,
    at.column - 1,
  ) as { originalLine: number };
  assert.equal(entry.originalLine + 1 - c.lineOffset, 3);
});

void test('a body that closes the wrapper early is rejected (both languages)', async () => {
  // Each of these is a valid program when naively wrapped, and runs code outside the function.
  const attacks: [string, number, number][] = [
    ['}); globalThis.pwned = 1; (async function () {', 1, 1],
    ['}\n[globalThis.pwned = 1]\n,function () {', 1, 1],
    ['return 1;\n})();\nglobalThis.pwned = 1;\n(async function () {\nreturn 2;', 2, 1],
    ['const a = 1;\n  }.call(globalThis.pwned = 1), async function () {', 2, 3],
    ['}, globalThis.pwned = 1, async function () {', 1, 1],
  ];
  for (const [source, line, column] of attacks) {
    const context = vm.createContext({});
    vm.runInContext(`(async function () {\n${source}\n})`, context);
    assert.equal(vm.runInContext('globalThis.pwned', context), 1, `naive wrap escapes: ${source}`);
    for (const language of ['javascript', 'typescript'] as const) {
      const [e] = errors(await compileScript(source, language));
      assert.deepEqual([e?.line, e?.column], [line, column], `${language}: ${source}`);
      assert.match(e?.message ?? '', /closes the function it runs in/);
    }
  }
  // Shapes that are not even valid when naively wrapped are plain syntax errors.
  for (const source of [
    '})(); globalThis.pwned = 1; ((async function () {',
    '}\nglobalThis.pwned = 1;\n{',
  ]) {
    for (const language of ['javascript', 'typescript'] as const) {
      assert.equal((await compileScript(source, language)).ok, false, `${language}: ${source}`);
    }
  }
});

void test('formatCompileErrors', () => {
  assert.equal(
    formatCompileErrors([
      { line: 3, column: 5, message: 'Unexpected ")"' },
      { line: 4, column: 1, message: 'Expected "}"' },
    ]),
    'Line 3, column 5: Unexpected ")"\nLine 4, column 1: Expected "}"',
  );
});

// esbuild is superlinear on long arrow chains: about 20 s for this 10 KB body on the dev machine.
const SLOW_BODY = 'return ' + 'a => '.repeat(2000) + '1;';

void test('a compile that takes too long fails cleanly and the compiler keeps working', async () => {
  const started = Date.now();
  const [e] = errors(await compileScript(SLOW_BODY, 'typescript', { timeoutMs: 300 }));
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.deepEqual([e?.line, e?.column], [1, 1]);
  assert.match(e?.message ?? '', /too long to compile/);
  // The esbuild process was replaced: the next compile works.
  const c = compiled(await compileScript('const a: number = 41;\nreturn a + 1;', 'typescript'));
  assert.equal(await evaluate(c.code)(), 42);
});

void test('a timeout does not fail other compiles that were in flight', async () => {
  // `medium` is valid but slow enough to still be running when `slow` hits its deadline and the
  // esbuild process is restarted; it must be retried in the new process, not lost.
  const medium = 'return ' + 'a => '.repeat(500) + '1;';
  let slowDoneAt = 0;
  let otherDoneAt = 0;
  const slow = compileScript(SLOW_BODY, 'typescript', { timeoutMs: 200 }).then((r) => {
    slowDoneAt = performance.now();
    return r;
  });
  const other = compileScript(medium, 'typescript', { timeoutMs: 60_000 }).then((r) => {
    otherDoneAt = performance.now();
    return r;
  });
  assert.match(errors(await slow)[0]?.message ?? '', /too long to compile/);
  const result = await other;
  assert.equal(result.ok, true, JSON.stringify(result));
  // `slow` settles only after the restart, so `other` was still in flight when it happened.
  assert.ok(otherDoneAt > slowDoneAt, 'the medium compile finished before the restart');
});

void test('nesting too deep for V8 is a compile error, not a crash', async () => {
  const deep = 'return ' + '['.repeat(20000) + ']'.repeat(20000) + ';';
  const started = Date.now();
  const [e] = errors(await compileScript(deep, 'javascript', { timeoutMs: 20_000 }));
  assert.match(e?.message ?? '', /nested too deeply/);
  assert.ok(Date.now() - started < 2000, 'refused before esbuild spends time on it');
});

/** Live esbuild service processes started by this test process (Linux /proc). */
function esbuildChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const m = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat);
    if (m && m[1] === 'esbuild' && m[2] !== 'Z' && Number(m[3]) === process.pid)
      pids.push(Number(entry));
  }
  return pids;
}

void test('if the esbuild process dies mid-compile, the compile is retried in a new one', async () => {
  const medium = 'return ' + 'a => '.repeat(500) + '1;';
  const pending = compileScript(medium, 'typescript', { timeoutMs: 60_000 });
  const deadline = Date.now() + 5000;
  let victims = esbuildChildren();
  while (victims.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    victims = esbuildChildren();
  }
  assert.ok(victims.length > 0, 'no esbuild process found');
  for (const pid of victims) process.kill(pid, 'SIGKILL');
  const result = await pending;
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.ok(esbuildChildren().every((pid) => !victims.includes(pid)));
  compiled(await compileScript('return 1 as number;', 'typescript'));
});
