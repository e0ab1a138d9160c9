// Build: transpile src/ to dist/ file by file (layout kept, so worker processes and migrations
// sit where the code expects them), copy SQL and static files, then bundle the browser assets.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const dist = join(root, 'dist');
const started = Date.now();

const files = readdirSync(src, { recursive: true }).map(String);
const entryPoints = files
  .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
  .filter((f) => !f.startsWith('web/assets/'))
  .map((f) => join(src, f));

for (const dir of [
  'store',
  'runtime',
  'web',
  'cli',
  'auth',
  'domain',
  'lib',
  'cache',
  'dispatch',
  'triggers',
]) {
  rmSync(join(dist, dir), { recursive: true, force: true });
}
await build({
  entryPoints,
  outdir: dist,
  outbase: src,
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
  logLevel: 'warning',
});

for (const f of files.filter((f) => f.endsWith('.sql'))) {
  mkdirSync(join(dist, f, '..'), { recursive: true });
  cpSync(join(src, f), join(dist, f));
}
mkdirSync(join(dist, 'public'), { recursive: true });
cpSync(join(src, 'web', 'public'), join(dist, 'public'), { recursive: true });

if (existsSync(join(root, 'scripts', 'build-assets.mjs'))) {
  const { buildAssets } = await import('./build-assets.mjs');
  await buildAssets({ outDir: join(dist, 'public') });
}
console.log(`built dist/ in ${Date.now() - started} ms`);
