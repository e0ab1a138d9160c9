// The jsruntime CLI on a real database: tenant/user/token administration and `run FILE`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testServers, type TestDatabase } from '../helpers/databases.js';

const BIN = fileURLToPath(new URL('../../bin/jsruntime.js', import.meta.url));
const server = testServers()[0]!;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--no-node-snapshot', BIN, ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('jsruntime CLI', () => {
  let db: TestDatabase;
  let dir: string;
  before(async () => {
    db = await createTestDatabase(server);
    dir = mkdtempSync(join(tmpdir(), 'jsruntime-cli-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('creates a tenant, a user and a token', async () => {
    const t = await cli([
      'tenant',
      'create',
      'cli-co',
      '--name',
      'CLI Co',
      '--database-url',
      db.url,
    ]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /Tenant cli-co created/);
    const dup = await cli(['tenant', 'create', 'cli-co', '--database-url', db.url]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /Slug already exists/);
    const u = await cli([
      'user',
      'create',
      '--tenant',
      'cli-co',
      '--email',
      'dev@cli.co',
      '--role',
      'developer',
      '--database-url',
      db.url,
    ]);
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /Password: \S{12,}/);
    const tok = await cli([
      'token',
      'create',
      '--tenant',
      'cli-co',
      '--role',
      'viewer',
      '--database-url',
      db.url,
    ]);
    assert.equal(tok.code, 0, tok.stderr);
    assert.match(tok.stdout.trim(), /^jsr_[A-Za-z0-9_-]{43}$/);
    const bad = await cli(['token', 'create', '--tenant', 'nope', '--database-url', db.url]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Tenant "nope" not found/);
  });

  it('runs a local file in the sandbox with the SDK and prints logs and output', async () => {
    const file = join(dir, 'hello.js');
    writeFileSync(
      file,
      "sdk.log.info('adding', { n: context.input.n });\nawait sdk.cache.set('x', 1);\nreturn { doubled: context.input.n * 2, cached: await sdk.cache.get('x') };\n",
    );
    const r = await cli([
      'run',
      file,
      '--input',
      '{"n":21}',
      '--tenant',
      'cli-co',
      '--database-url',
      db.url,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { doubled: 42, cached: 1 });
    assert.match(r.stderr, /\[info\] adding \{"n":21\}/);
  });

  it('reports syntax errors and runtime errors with file:line', async () => {
    const ts = join(dir, 'broken.ts');
    writeFileSync(ts, 'const a: number = 1;\nconst b = ;\n');
    const r = await cli(['run', ts, '--tenant', 'cli-co', '--database-url', db.url]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.ts:2:\d+: /);
    const js = join(dir, 'throws.js');
    writeFileSync(js, "const a = 1;\nthrow new Error('bad input');\n");
    const e = await cli(['run', js, '--tenant', 'cli-co', '--database-url', db.url]);
    const missing = await cli(['run', js, '--tenant', 'default', '--database-url', db.url]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Tenant "default" not found/);
    assert.equal(e.code, 1);
    assert.match(e.stderr, /failed: SCRIPT_ERROR bad input at .*throws\.js:2/);
  });
});
