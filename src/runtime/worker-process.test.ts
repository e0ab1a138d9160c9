import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { workerExecArgv } from './worker-process.js';

describe('workerExecArgv', () => {
  it('always disables the node snapshot and string code generation', () => {
    const argv = workerExecArgv([]);
    assert.ok(argv.includes('--no-node-snapshot'));
    assert.ok(argv.includes('--disallow-code-generation-from-strings'));
  });

  it("keeps the parent's loader flags in both spellings and drops everything else", () => {
    const argv = workerExecArgv([
      '--import',
      'tsx',
      '--test',
      '--inspect=9229',
      '--require=./hook.cjs',
      '--max-old-space-size=64',
    ]);
    assert.deepEqual(argv.slice(2), ['--import', 'tsx', '--require=./hook.cjs']);
  });
});
