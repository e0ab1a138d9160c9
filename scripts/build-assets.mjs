// Builds the browser assets (Monaco editor + workers, htmx, SDK typings) into dist/public/.
// Usage: node scripts/build-assets.mjs [--out-dir DIR] [--force] [--no-minify] [--no-compress]
// or `await (await import('./build-assets.mjs')).buildAssets({ outDir })` from scripts/build.mjs.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const assetsDir = join(root, 'src/web/assets');
const MANIFEST = 'manifest.json';
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
/** Text-like outputs get .br and .gz siblings for a static server's `precompressed` mode. */
const COMPRESSIBLE = /\.(js|css|ts|ttf|json)$/;

/** Bumped when the manifest's shape changes, so old manifests never count as up to date. */
const MANIFEST_VERSION = 1;

async function packageVersion(name) {
  // Read from disk: monaco-editor's `exports` does not expose its package.json.
  const file = join(root, 'node_modules', name, 'package.json');
  const pkg = JSON.parse(await readFile(file, 'utf8'));
  return pkg.version;
}

async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/**
 * Fingerprint of everything the output depends on: our sources, this script, the versions of
 * the bundled packages and the options. Content hashes, not mtimes, so a checkout or a copy
 * never fools it.
 */
async function inputHash(options) {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ MANIFEST_VERSION, options }));
  for (const name of ['esbuild', 'monaco-editor', 'htmx.org']) {
    hash.update(`${name}@${await packageVersion(name)}\n`);
  }
  for (const file of [fileURLToPath(import.meta.url), ...(await listFiles(assetsDir))]) {
    hash.update(`${relative(root, file)}\n`);
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

async function readManifest(outDir) {
  try {
    return JSON.parse(await readFile(join(outDir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
}

async function allPresent(outDir, manifest) {
  for (const file of Object.keys(manifest.files ?? {})) {
    try {
      await stat(join(outDir, file));
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Writes `file.br` and `file.gz` (Brotli 9 is ~20x faster than 11 for a few % more bytes; the
 * TS worker is 7 MB) and returns their names.
 */
async function precompress(outDir, file) {
  const data = await readFile(join(outDir, file));
  const [br, gz] = await Promise.all([
    brotli(data, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gzipAsync(data, { level: 9 }),
  ]);
  await Promise.all([
    writeFile(join(outDir, `${file}.br`), br),
    writeFile(join(outDir, `${file}.gz`), gz),
  ]);
  return [`${file}.br`, `${file}.gz`];
}

async function describe(outDir, file) {
  const bytes = await readFile(join(outDir, file));
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Builds into `outDir` (default dist/public). Skips the work when the manifest there was made
 * from the same inputs and its files are all present, unless `force`.
 * `compress` (default true) also writes .br/.gz siblings of the text files.
 * @param {{ outDir?: string, force?: boolean, minify?: boolean, compress?: boolean }} [opts]
 * @returns {Promise<{ built: boolean, durationMs: number, outDir: string, manifest: object, warnings: string[] }>}
 */
export async function buildAssets(opts = {}) {
  const started = performance.now();
  const outDir = resolve(opts.outDir ?? join(root, 'dist/public'));
  const minify = opts.minify ?? true;
  const compress = opts.compress ?? true;
  const fingerprint = await inputHash({ minify, compress });

  const previous = await readManifest(outDir);
  if (!opts.force && previous?.inputHash === fingerprint && (await allPresent(outDir, previous))) {
    return {
      built: false,
      durationMs: Math.round(performance.now() - started),
      outDir,
      manifest: previous,
      warnings: [],
    };
  }

  await mkdir(outDir, { recursive: true });
  const sdkTypes = await readFile(join(assetsDir, 'sdk.d.ts'), 'utf8');
  const result = await esbuild.build({
    absWorkingDir: root,
    tsconfig: join(assetsDir, 'tsconfig.browser.json'),
    entryPoints: {
      editor: join(assetsDir, 'editor.ts'),
      'editor.worker': require.resolve('monaco-editor/editor/editor.worker.js'),
      'ts.worker': require.resolve('monaco-editor/languages/features/typescript/ts.worker.js'),
    },
    outdir: outDir,
    // Stable names: pages link /assets/editor.js; the manifest's hashes serve cache busting.
    entryNames: '[name]',
    assetNames: '[name]-[hash]',
    bundle: true,
    // ES modules everywhere: the page loads editor.js as a module and starts module workers.
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify,
    charset: 'utf8',
    legalComments: 'eof',
    loader: { '.ttf': 'file', '.css': 'css' },
    define: { __SDK_DTS__: JSON.stringify(sdkTypes) },
    metafile: true,
    logLevel: 'silent',
  });
  const warnings = await esbuild.formatMessages(result.warnings, { kind: 'warning' });

  const htmx = require.resolve('htmx.org/dist/htmx.min.js');
  await copyFile(htmx, join(outDir, 'htmx.min.js'));
  await copyFile(join(assetsDir, 'sdk.d.ts'), join(outDir, 'sdk.d.ts'));

  const produced = [
    ...Object.keys(result.metafile.outputs).map((out) => relative(outDir, resolve(root, out))),
    'htmx.min.js',
    'sdk.d.ts',
  ];
  if (compress) {
    const compressed = await Promise.all(
      produced.filter((f) => COMPRESSIBLE.test(f)).map((f) => precompress(outDir, f)),
    );
    produced.push(...compressed.flat());
  }
  produced.sort();
  const files = {};
  for (const file of produced) files[file] = await describe(outDir, file);

  const manifest = {
    version: MANIFEST_VERSION,
    inputHash: fingerprint,
    entries: {
      editorJs: 'editor.js',
      editorCss: 'editor.css',
      editorWorker: 'editor.worker.js',
      tsWorker: 'ts.worker.js',
      htmx: 'htmx.min.js',
      sdkTypes: 'sdk.d.ts',
    },
    files,
  };

  // Files of the previous build that this one did not produce (e.g. an old hashed font).
  for (const file of Object.keys(previous?.files ?? {})) {
    if (!(file in files)) await rm(join(outDir, file), { force: true });
  }
  // Written last and atomically: a half-finished build never looks up to date.
  const tmp = join(outDir, `${MANIFEST}.${process.pid}.tmp`);
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, join(outDir, MANIFEST));

  return {
    built: true,
    durationMs: Math.round(performance.now() - started),
    outDir,
    manifest,
    warnings,
  };
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') opts.force = true;
    else if (arg === '--no-minify') opts.minify = false;
    else if (arg === '--no-compress') opts.compress = false;
    else if (arg === '--out-dir') opts.outDir = argv[++i];
    else throw new Error(`unknown argument: ${arg}`);
  }
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { built, durationMs, outDir, manifest, warnings } = await buildAssets(
    parseArgs(process.argv.slice(2)),
  );
  for (const warning of warnings) process.stderr.write(warning);
  const kib = (file) => {
    const bytes = manifest.files[file]?.bytes;
    return bytes === undefined ? '' : `${(bytes / 1024).toFixed(0)} KiB`;
  };
  const plain = Object.keys(manifest.files).filter((f) => !/\.(br|gz)$/.test(f));
  const total = plain.reduce((sum, f) => sum + manifest.files[f].bytes, 0);
  const where = relative(process.cwd(), outDir) || '.';
  const what = built ? 'built' : 'up to date';
  console.log(`assets ${what} in ${durationMs} ms: ${where}/ (${(total / 1e6).toFixed(2)} MB)`);
  for (const file of plain) {
    const br = kib(`${file}.br`);
    console.log(`  ${file.padEnd(24)} ${kib(file).padStart(10)}${br ? `  (br ${br})` : ''}`);
  }
}
