import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileScript } from './compile.js';
import { userPosition } from './error-location.js';
import type { CompiledScript } from './run-request.js';
import { jsScript } from './testing.js';

async function tsScript(source: string, version: number): Promise<CompiledScript> {
  const compiled = await compileScript(source, 'typescript');
  assert.ok(compiled.ok, 'fixture compiles');
  return {
    id: 'ts-script',
    version,
    code: compiled.code,
    sourceMap: compiled.sourceMap,
    lineOffset: compiled.lineOffset,
  };
}

describe('userPosition', () => {
  it('subtracts the wrapper line for JavaScript', () => {
    const script = jsScript('const a = 1;\nthrow new Error("x");');
    assert.deepEqual(userPosition(script, 3, 7), { line: 2, column: 7 });
  });

  it('maps nothing inside the wrapper', () => {
    const script = jsScript('return 1');
    assert.deepEqual(userPosition(script, 1, 5), {});
    assert.deepEqual(userPosition(script, 3, 1), {});
  });

  it('maps TypeScript positions back through the source map', async () => {
    const source =
      'interface P { x: number }\nconst p: P = { x: 1 };\nthrow new Error(`bad ${p.x as number}`);';
    const script = await tsScript(source, 1);
    const lines = script.code.split('\n');
    const generatedLine = lines.findIndex((l) => l.includes('throw new Error')) + 1;
    const generatedColumn = (lines[generatedLine - 1]?.indexOf('new Error') ?? -1) + 1;
    assert.ok(generatedLine > 0 && generatedColumn > 0);
    assert.deepEqual(userPosition(script, generatedLine, generatedColumn), { line: 3, column: 7 });
  });
});
