// Turns a script body (JavaScript or TypeScript) into the function-expression text the sandbox runs,
// with syntax errors reported at the user's line:column (SPEC §3, brief "Runtime contracts").
//
// Output contract:
//   code        `async function () {\n … \n}` — a function expression: `(${code})` evaluates to it.
//   lineOffset  wrapper lines before the user's line 1: 1, plus any helper lines esbuild adds
//               for lowered TypeScript syntax.
//   sourceMap   TypeScript only (null for JS): a JSON source map (sources: ["script.ts"], no
//               sourcesContent) from positions in `code` to positions in the user's source
//               preceded by `lineOffset` wrapper lines.
// One rule maps a position in `code` back to the user's source, for both languages: through the
// source map if there is one, then subtract `lineOffset` from the line (columns are unchanged).
// For JavaScript the body is kept byte for byte, so that is simply `line − 1`. `mapPosition`
// implements the rule. Positions are 1-based lines and 1-based UTF-16 columns (what V8 stack
// traces and editors use), counted in `code` itself: if the sandbox prepends text on the first
// line (e.g. "("), only line 1 shifts, and line 1 is always wrapper.
//
// Why the body cannot escape its function: wrapping text in `async function () {` … `}` alone is
// not enough — a body such as `}); evil(); (async function () {` closes the wrapper early and
// runs code outside it. The final body is therefore also handed to V8's AsyncFunction
// constructor, which (ECMA-262 CreateDynamicFunction) parses the body on its own as a
// FunctionBody and rejects any text that does not form exactly one function literal. That is
// the same V8 that later compiles `code` in the sandbox, so it also catches syntax that esbuild
// accepts but this V8 cannot run. The constructor only compiles; the function is never called.
//
// Why async with a deadline: esbuild is superlinear on some inputs (a 10 KB chain of
// `a => a => …` took 20 s, 25k nested blocks longer; deeper nesting crashed its process), and the
// sync API would block the event loop that long. The async API runs in esbuild's child process;
// past the deadline that process is stopped and restarted, and calls that were in flight in it
// are retried (esbuild-transform.ts).
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';
import vm from 'node:vm';
import type { Message } from 'esbuild';
import type { Language } from '../domain/script.js';
import { decodeMappings, encodeMappings, type Segment } from './source-map-codec.js';
import { transform } from './esbuild-transform.js';

export interface CompileError {
  /** 1-based line in the user's source. */
  readonly line: number;
  /** 1-based column (UTF-16 code units) in the user's source. */
  readonly column: number;
  readonly message: string;
}

export interface CompiledScript {
  readonly ok: true;
  readonly code: string;
  readonly sourceMap: string | null;
  readonly lineOffset: number;
}

export type CompileResult =
  CompiledScript | { readonly ok: false; readonly errors: CompileError[] };

export interface CompileOptions {
  /** Time allowed for the whole compile; real scripts take milliseconds. Default 5000. */
  readonly timeoutMs?: number;
}

const HEADER = 'async function () {';
const WRAP_OPEN = `(${HEADER}\n`;
const WRAP_CLOSE = '\n})';
const MAX_REPORTED_ERRORS = 10;
const DEFAULT_TIMEOUT_MS = 5000;
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

type AsyncFunctionConstructor = new (body: string) => unknown;
const AsyncFunction = Object.getPrototypeOf(async function () {})
  .constructor as AsyncFunctionConstructor;

function tooComplex(kind: 'timeout' | 'crashed' | 'restarted'): CompileResult {
  const message =
    kind === 'crashed'
      ? 'The script could not be compiled; simplify deeply nested code'
      : 'The script took too long to compile; simplify deeply nested code';
  return { ok: false, errors: [{ line: 1, column: 1, message }] };
}

// --- positions ---

function userLines(source: string): string[] {
  return source.split(LINE_BREAK);
}

/** esbuild columns are UTF-8 byte offsets into `lineText`; editors and V8 count UTF-16 units. */
function byteColumnToUtf16(lineText: string, byteColumn: number): number {
  return Buffer.from(lineText, 'utf8').subarray(0, byteColumn).toString('utf8').length;
}

/** Map an esbuild message located in the wrapped text (`WRAP_OPEN` + source + `WRAP_CLOSE`). */
function wrappedMessageToError(msg: Message, lines: string[]): CompileError {
  const loc = msg.location;
  if (!loc) return { line: 1, column: 1, message: msg.text };
  const line = loc.line - 1; // WRAP_OPEN is one line
  if (line < 1) return { line: 1, column: 1, message: msg.text };
  if (line > lines.length) {
    // Reported on the closing wrapper line: the user's source ended too early.
    const last = lines[lines.length - 1] ?? '';
    return { line: lines.length, column: last.length + 1, message: msg.text };
  }
  return { line, column: byteColumnToUtf16(loc.lineText, loc.column) + 1, message: msg.text };
}

function syntaxErrors(errors: Message[], lines: string[]): CompileResult {
  return {
    ok: false,
    errors: errors.slice(0, MAX_REPORTED_ERRORS).map((m) => wrappedMessageToError(m, lines)),
  };
}

/** Messages esbuild gives for a whole-program parse that a function body does allow. */
const BODY_ONLY_SYNTAX = /top-level return|cannot use "new\.target" here|top-level await/i;

/**
 * Where the source closes the function early: parsed alone, as a program, the stray closing
 * token is an error esbuild locates precisely.
 */
async function escapeError(
  source: string,
  loader: 'js' | 'ts',
  deadline: number,
): Promise<CompileError> {
  const outcome = await transform(source, { loader, target: 'esnext' }, deadline);
  if (outcome.kind === 'syntax') {
    const found = outcome.errors.find((m) => m.location && !BODY_ONLY_SYNTAX.test(m.text));
    if (found?.location) {
      return {
        line: found.location.line,
        column: byteColumnToUtf16(found.location.lineText, found.location.column) + 1,
        message: `${found.text} (the script closes the function it runs in)`,
      };
    }
  }
  return {
    line: 1,
    column: 1,
    message: 'The script closes the function it runs in: check for an unmatched "}"',
  };
}

/**
 * Where V8 locates a syntax error in `text` (1-based line and UTF-16 column), read from the
 * source line and caret Node adds to the stack of a vm.Script compile error; null if absent.
 */
function v8SyntaxErrorLocation(text: string): { line: number; column: number } | null {
  try {
    new vm.Script(text, { filename: 'script.js' });
  } catch (err) {
    const stack = String((err as Error).stack ?? '').split('\n');
    const lineMatch = /^script\.js:(\d+)$/.exec(stack[0] ?? '');
    const caret = (stack[2] ?? '').indexOf('^');
    if (lineMatch && caret >= 0) return { line: Number(lineMatch[1]), column: caret + 1 };
  }
  return null;
}

type V8Problem = { kind: 'syntax' | 'escape' | 'depth'; message: string };

/** Null when `body` is exactly one async function body to V8; else what V8 objects to. */
function v8BodyProblem(body: string): V8Problem | null {
  try {
    new AsyncFunction(body);
    return null;
  } catch (err) {
    // RangeError: nesting deep enough to exhaust V8's parser stack; the sandbox could not run it.
    if (err instanceof RangeError) return { kind: 'depth', message: err.message };
    if (!(err instanceof SyntaxError)) throw err;
    const escape = /single function literal/i.test(err.message);
    return { kind: escape ? 'escape' : 'syntax', message: err.message };
  }
}

const TOO_DEEP: CompileResult = {
  ok: false,
  errors: [{ line: 1, column: 1, message: 'The script is nested too deeply to compile' }],
};

// --- JavaScript ---

async function compileJavaScript(source: string, deadline: number): Promise<CompileResult> {
  const lines = userLines(source);
  const wrapped = WRAP_OPEN + source + WRAP_CLOSE;
  // V8 first: it is linear and fast, and refuses nesting that would make esbuild crawl.
  const problem = v8BodyProblem(source);
  if (problem?.kind === 'depth') return TOO_DEEP;
  // Parse only (JS is not transformed, so line and column numbers stay the user's); esbuild's
  // messages and positions are better than V8's.
  const outcome = await transform(
    wrapped,
    { loader: 'js', sourcefile: 'script.js', target: 'esnext' },
    deadline,
  );
  if (outcome.kind === 'syntax') return syntaxErrors(outcome.errors, lines);
  if (outcome.kind !== 'ok') return tooComplex(outcome.kind);
  if (problem?.kind === 'escape') {
    return { ok: false, errors: [await escapeError(source, 'js', deadline)] };
  }
  if (problem) {
    const at = v8SyntaxErrorLocation(wrapped);
    const line = at ? at.line - 1 : 0;
    const position =
      at && line >= 1 && line <= lines.length
        ? { line, column: at.column }
        : { line: 1, column: 1 };
    return { ok: false, errors: [{ ...position, message: problem.message }] };
  }
  return { ok: true, code: `${HEADER}\n${source}\n}`, sourceMap: null, lineOffset: 1 };
}

// --- TypeScript ---

async function compileTypeScript(source: string, deadline: number): Promise<CompileResult> {
  const lines = userLines(source);
  const wrapped = WRAP_OPEN + source + WRAP_CLOSE;
  const outcome = await transform(
    wrapped,
    {
      loader: 'ts',
      sourcefile: 'script.ts',
      sourcemap: 'external',
      sourcesContent: false,
      // es2022 keeps async/await and class fields native; newer syntax (`using`, decorators) is
      // lowered with helpers, which are moved inside the function below.
      target: 'es2022',
      charset: 'utf8',
      minify: false,
    },
    deadline,
  );
  if (outcome.kind === 'syntax') return syntaxErrors(outcome.errors, lines);
  if (outcome.kind !== 'ok') return tooComplex(outcome.kind);
  const { result } = outcome;

  // esbuild prints the wrapper as `(async function() {` … `});`, after any helper declarations.
  const out = result.code.replace(/\n$/, '').split('\n');
  const headerAt = out.indexOf('(async function() {');
  if (headerAt < 0 || out[out.length - 1] !== '});') {
    return { ok: false, errors: [await escapeError(source, 'ts', deadline)] };
  }
  const helpers = out.slice(0, headerAt);
  const body = out.slice(headerAt + 1, -1);
  const bodyText = [...helpers, ...body].join('\n');
  const problem = v8BodyProblem(bodyText);
  if (problem?.kind === 'escape') {
    return { ok: false, errors: [await escapeError(source, 'ts', deadline)] };
  }
  if (problem?.kind === 'depth') return TOO_DEEP;

  // Re-map: generated lines move (helpers go inside, header replaced); original lines are the
  // user's, under `lineOffset` wrapper lines (the esbuild input had one, helpers add the rest);
  // segments pointing at wrapper text are dropped.
  const decoded = decodeMappings((JSON.parse(result.map) as { mappings: string }).mappings);
  const segmentsOf = (outLine: number): Segment[] =>
    (decoded[outLine] ?? [])
      .filter(([, , line]) => line >= 1 && line <= lines.length)
      .map(([gen, src, line, col]): Segment => [gen, src, line + helpers.length, col]);
  const mapped: Segment[][] = [
    [],
    ...helpers.map((_, i) => segmentsOf(i)),
    ...body.map((_, i) => segmentsOf(headerAt + 1 + i)),
    [],
  ];
  const sourceMap = JSON.stringify({
    version: 3,
    sources: ['script.ts'],
    names: [],
    mappings: encodeMappings(mapped),
  });
  const compiled: CompiledScript = {
    ok: true,
    code: `${HEADER}\n${bodyText}\n}`,
    sourceMap,
    lineOffset: 1 + helpers.length,
  };
  if (problem !== null) {
    // Syntax esbuild passes through but this V8 cannot parse (e.g. a newer RegExp feature).
    const at = v8SyntaxErrorLocation(`(${compiled.code})`);
    const position = (at && mapPosition(compiled, at.line, at.column)) ?? { line: 1, column: 1 };
    return { ok: false, errors: [{ ...position, message: problem.message }] };
  }
  return compiled;
}

// --- public API ---

/** Compile a script body; expected failures (syntax errors, too complex) are values. */
export async function compileScript(
  source: string,
  language: Language,
  options: CompileOptions = {},
): Promise<CompileResult> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return language === 'typescript'
    ? compileTypeScript(source, deadline)
    : compileJavaScript(source, deadline);
}

/** What `mapPosition` needs: a compile result, or a stored copy of its fields. */
export type CompiledCode = Pick<CompiledScript, 'code' | 'sourceMap' | 'lineOffset'>;

const parsedMaps = new WeakMap<CompiledCode, SourceMap>();

/**
 * A position in `compiled.code` (1-based line and column, e.g. from a V8 stack frame) → the
 * position in the user's source, or null when it falls on wrapper text.
 */
export function mapPosition(
  compiled: CompiledCode,
  line: number,
  column: number,
): { line: number; column: number } | null {
  let mappedLine = line;
  let mappedColumn = column;
  if (compiled.sourceMap !== null) {
    let map = parsedMaps.get(compiled);
    if (!map) {
      map = new SourceMap(JSON.parse(compiled.sourceMap) as SourceMapPayload);
      parsedMaps.set(compiled, map);
    }
    const entry = map.findEntry(line - 1, column - 1) as Partial<{
      generatedLine: number;
      originalLine: number;
      originalColumn: number;
    }>;
    // findEntry falls back to the closest earlier segment, possibly on another line: not a match.
    if (entry.generatedLine !== line - 1 || entry.originalLine === undefined) return null;
    mappedLine = entry.originalLine + 1;
    mappedColumn = (entry.originalColumn ?? 0) + 1;
  } else {
    // JavaScript: `code` is the wrapper around the untouched source; the last line is wrapper.
    const codeLines = compiled.code.split(LINE_BREAK).length;
    if (line >= codeLines) return null;
  }
  const userLine = mappedLine - compiled.lineOffset;
  if (userLine < 1 || mappedColumn < 1) return null;
  return { line: userLine, column: mappedColumn };
}

/** One line per error for a form or API message: `Line 3, column 5: Unexpected ")"`. */
export function formatCompileErrors(errors: readonly CompileError[]): string {
  return errors.map((e) => `Line ${e.line}, column ${e.column}: ${e.message}`).join('\n');
}
