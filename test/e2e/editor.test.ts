// The browser editor end to end: assets built by scripts/build-assets.mjs, served over HTTP with a
// static harness page, driven in headless Chromium (SDK completions, markers, Ctrl+S, diff, HTMX).
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type LaunchedBrowser } from '../helpers/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/e2e/fixtures');
const sdkTypesPath = join(root, 'src/web/assets/sdk.d.ts');

interface BuildAssetsResult {
  built: boolean;
  durationMs: number;
  manifest: { files: Record<string, { bytes: number; sha256: string }> };
  warnings: string[];
}
type BuildAssets = (opts: {
  outDir: string;
  force?: boolean;
  compress?: boolean;
}) => Promise<BuildAssetsResult>;
// A plain-JS build script without typings: imported by URL and typed here.
const buildScript = pathToFileURL(join(root, 'scripts/build-assets.mjs')).href;
const { buildAssets } = (await import(buildScript)) as { buildAssets: BuildAssets };

// --- the page's globals as far as the test uses them (the test is compiled without DOM types) ---
interface Marker {
  owner: string;
  code?: string | { value: string };
  message: string;
  severity: number;
  startLineNumber: number;
  startColumn: number;
}
interface Model {
  uri: { toString(): string };
  getValue(): string;
  setValue(text: string): void;
  getLanguageId(): string;
  getLineCount(): number;
  getLineMaxColumn(line: number): number;
}
interface Handle {
  kind: 'editor' | 'diff';
  model: Model;
  modified: Model;
  original: Model;
  diffReady: Promise<void>;
  editor: {
    focus(): void;
    setPosition(p: { lineNumber: number; column: number }): void;
    getRawOptions(): { readOnly?: boolean };
    getLineChanges(): unknown[] | null;
  };
}
interface PageWindow {
  document: {
    getElementById(id: string): { hidden: boolean; value: string; isConnected: boolean } | null;
    querySelector(selector: string): { getBoundingClientRect(): { width: number } } | null;
    documentElement: { scrollWidth: number };
    fonts: {
      ready: Promise<unknown>;
      forEach(cb: (f: { family: string; status: string }) => void): void;
    };
  };
  jsruntimeEditor: {
    ready: Promise<void>;
    get(el: unknown): Handle | undefined;
    monaco: { editor: { getModelMarkers(filter: { resource?: unknown }): Marker[] } };
    languageWorker(
      language: string,
      uri: unknown,
    ): Promise<{
      getCompletionsAtPosition(
        file: string,
        offset: number,
      ): Promise<{ entries: { name: string }[] } | undefined>;
    }>;
  };
  held?: unknown;
}

// --- a tiny static server: harness, fragment, built assets; records form posts and every response ---
interface Served {
  method: string;
  path: string;
  status: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.ts': 'text/plain; charset=utf-8',
  '.json': 'application/json',
};

function startServer(assetsDir: string) {
  const served: Served[] = [];
  const posts = new EventEmitter();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const reply = (status: number, body: string | Buffer, type = 'text/plain'): void => {
      served.push({ method: req.method ?? 'GET', path, status });
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    void (async () => {
      if (req.method === 'POST' && path === '/submit') {
        const form = new URLSearchParams(await readBody(req));
        posts.emit('post', form);
        return reply(200, '<p id="saved">Saved</p>', TYPES['.html']);
      }
      const file =
        path === '/'
          ? join(fixtures, 'editor.html')
          : path === '/fragment.html'
            ? join(fixtures, 'fragment.html')
            : path.startsWith('/assets/')
              ? join(
                  assetsDir,
                  normalize(path.slice('/assets/'.length)).replace(/^(\.\.[/\\])+/, ''),
                )
              : null;
      if (!file) return reply(404, 'not found');
      try {
        reply(200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
      } catch {
        reply(404, 'not found');
      }
    })();
  });
  return { server, served, posts };
}

// --- page helpers (functions passed to page.evaluate run in the browser) ---
type MarkerSummary = [line: number, code: string | undefined, message: string][];

async function readMarkers(page: Page, elId: string, owner: string): Promise<MarkerSummary> {
  return page.evaluate(
    ([id, owner]) => {
      const w = globalThis as unknown as PageWindow;
      const h = w.jsruntimeEditor.get(w.document.getElementById(id));
      if (!h) return [];
      return (
        w.jsruntimeEditor.monaco.editor
          .getModelMarkers({ resource: h.model.uri })
          // Errors and warnings; hints (unused names, faded) are not what these tests are about.
          .filter((m) => m.owner === owner && m.severity >= 4)
          .map((m): MarkerSummary[number] => [
            m.startLineNumber,
            typeof m.code === 'object' ? m.code.value : m.code,
            m.message,
          ])
      );
    },
    [elId, owner] as const,
  );
}

/**
 * Polls until the markers of `owner` are exactly `expected` ([line, code] pairs), then returns
 * them; on timeout fails with the markers last seen. Diagnostics arrive asynchronously from the
 * TS worker, so an exact match (not "some marker") is what proves nothing else was reported.
 */
async function expectMarkers(
  page: Page,
  elId: string,
  owner: string,
  expected: [number, string | undefined][],
): Promise<MarkerSummary> {
  const want = JSON.stringify(expected);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const markers = await readMarkers(page, elId, owner);
    const got = markers.map(([line, code]) => [line, code]);
    if (JSON.stringify(got) === want) return markers;
    if (Date.now() > deadline) {
      assert.deepEqual(markers, expected, `markers of ${owner}`);
    }
    await page.waitForTimeout(50);
  }
}

async function setSource(page: Page, text: string): Promise<void> {
  await page.evaluate((text) => {
    const w = globalThis as unknown as PageWindow;
    w.jsruntimeEditor.get(w.document.getElementById('editor'))!.model.setValue(text);
  }, text);
}

/**
 * Types `text` at the end of the editor and returns the labels of the suggest widget's rows once
 * `expected` is among them (optionally saving a screenshot of the open widget).
 */
async function suggestionsAfterTyping(
  page: Page,
  text: string,
  expected: string,
  screenshotName?: string,
): Promise<string[]> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    const h = w.jsruntimeEditor.get(w.document.getElementById('editor'))!;
    const line = h.model.getLineCount();
    h.editor.focus();
    h.editor.setPosition({ lineNumber: line, column: h.model.getLineMaxColumn(line) });
  });
  await page.keyboard.type(text);
  const rows = page.locator('#editor .suggest-widget.visible .monaco-list-row .label-name');
  // The widget opens on the trigger character and fills in when the TS worker answers.
  await rows
    .filter({ hasText: new RegExp(`^${expected}$`) })
    .first()
    .waitFor({ timeout: 20_000 });
  const labels = await rows.allTextContents();
  if (screenshotName) await screenshot(page, screenshotName);
  await page.keyboard.press('Escape');
  return labels;
}

void describe('script editor in Chromium', () => {
  let assetsDir: string;
  let build: BuildAssetsResult;
  let server: ReturnType<typeof startServer>;
  let baseUrl: string;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  const badResponses: string[] = [];

  before(async () => {
    assetsDir = await mkdtemp(join(tmpdir(), 'jsruntime-assets-'));
    build = await buildAssets({ outDir: assetsDir, compress: false });
    server = startServer(assetsDir);
    server.server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;

    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('worker', (worker) => {
      worker.on('console', (msg) => {
        if (msg.type() === 'error') pageErrors.push(`worker ${worker.url()}: ${msg.text()}`);
      });
    });
    page.on('response', (res) => {
      if (res.status() >= 400) badResponses.push(`${res.status()} ${res.url()}`);
    });
    page.on('requestfailed', (req) => badResponses.push(`failed ${req.url()}`));
    await page.goto(baseUrl);
    await page.evaluate(() => (globalThis as unknown as PageWindow).jsruntimeEditor.ready);
  });

  after(async () => {
    await browser?.close();
    if (server) {
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => server.server.close(() => resolve()));
    }
    if (assetsDir) await rm(assetsDir, { recursive: true, force: true });
  });

  void it('builds the bundles and the manifest, and skips an unchanged rebuild', async () => {
    assert.equal(build.built, true);
    assert.deepEqual(build.warnings, []);
    for (const file of [
      'editor.js',
      'editor.css',
      'editor.worker.js',
      'ts.worker.js',
      'htmx.min.js',
      'sdk.d.ts',
    ]) {
      assert.ok(build.manifest.files[file], `${file} in manifest`);
    }
    assert.ok(
      Object.keys(build.manifest.files).some((f) => /^codicon-.*\.ttf$/.test(f)),
      'codicon font',
    );
    const manifest = JSON.parse(await readFile(join(assetsDir, 'manifest.json'), 'utf8')) as {
      files: object;
    };
    assert.deepEqual(manifest.files, build.manifest.files);
    assert.equal(
      await readFile(join(assetsDir, 'sdk.d.ts'), 'utf8'),
      await readFile(sdkTypesPath, 'utf8'),
    );
    const again = await buildAssets({ outDir: assetsDir, compress: false });
    assert.equal(again.built, false);
  });

  void it('mounts Monaco over the textarea, labelled, with server markers', async () => {
    const state = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const h = w.jsruntimeEditor.get(w.document.getElementById('editor'));
      return {
        kind: h?.kind,
        value: h?.model.getValue(),
        language: h?.model.getLanguageId(),
        textareaHidden: w.document.getElementById('source')?.hidden,
      };
    });
    assert.deepEqual(state, {
      kind: 'editor',
      value: 'const total = 40;\nconst extra = 2;\nreturn total + extra;',
      language: 'javascript',
      textareaHidden: true,
    });
    // Monaco's input element is visually hidden; screen readers find it by role and name.
    await page
      .getByRole('textbox', { name: 'Script source' })
      .first()
      .waitFor({ state: 'attached' });
    const markers = await expectMarkers(page, 'editor', 'jsruntime', [[2, undefined]]);
    assert.equal(markers[0]?.[2], 'Unexpected identifier (from the server)');
    const column = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const h = w.jsruntimeEditor.get(w.document.getElementById('editor'))!;
      return w.jsruntimeEditor.monaco.editor.getModelMarkers({ resource: h.model.uri })[0]
        ?.startColumn;
    });
    assert.equal(column, 7);
    await page.locator('#editor .squiggly-error').first().waitFor();
    await screenshot(page, 'editor');
  });

  void it('suggests the SDK: sdk.http. offers get, context. offers tenantId', async () => {
    await setSource(page, '');
    const http = await suggestionsAfterTyping(page, 'sdk.http.', 'get', 'editor-suggest');
    for (const name of ['get', 'post', 'delete'])
      assert.ok(http.includes(name), `${name} in ${http}`);
    await setSource(page, '');
    const ctx = await suggestionsAfterTyping(page, 'context.', 'tenantId');
    assert.ok(ctx.includes('trigger'), `trigger in ${ctx}`);
    // The codicon font rendered the suggestion kind icons.
    const fontLoaded = await page.evaluate(async () => {
      const w = globalThis as unknown as PageWindow;
      await w.document.fonts.ready;
      let loaded = false;
      w.document.fonts.forEach((f) => {
        if (f.family.replace(/"/g, '') === 'codicon' && f.status === 'loaded') loaded = true;
      });
      return loaded;
    });
    assert.equal(fontLoaded, true);
  });

  void it('offers the script globals and no browser globals', async () => {
    await setSource(page, '\n');
    const names = await page.evaluate(async () => {
      const w = globalThis as unknown as PageWindow;
      const h = w.jsruntimeEditor.get(w.document.getElementById('editor'))!;
      const worker = await w.jsruntimeEditor.languageWorker('javascript', h.model.uri);
      const result = await worker.getCompletionsAtPosition(h.model.uri.toString(), 0);
      return result?.entries.map((e) => e.name) ?? [];
    });
    for (const name of ['context', 'sdk', 'events', 'console', 'Promise', 'JSON']) {
      assert.ok(names.includes(name), `${name} offered`);
    }
    for (const name of [
      'window',
      'document',
      'fetch',
      'setTimeout',
      'XMLHttpRequest',
      'require',
      'process',
    ]) {
      assert.ok(!names.includes(name), `${name} not offered`);
    }
  });

  void it('keeps the textarea in sync and clears server markers on edit', async () => {
    await setSource(page, '');
    await page.keyboard.type('return 7;');
    const synced = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const h = w.jsruntimeEditor.get(w.document.getElementById('editor'))!;
      return {
        editor: h.model.getValue(),
        textarea: w.document.getElementById('source')?.value,
        server: w.jsruntimeEditor.monaco.editor
          .getModelMarkers({ resource: h.model.uri })
          .filter((m) => m.owner === 'jsruntime').length,
      };
    });
    assert.equal(synced.editor, 'return 7;');
    assert.equal(synced.textarea, synced.editor);
    assert.equal(synced.server, 0);
  });

  void it('reports type errors in TypeScript but not top-level return/await', async () => {
    // Text first, then the language: every 'typescript' marker is then about this text.
    await setSource(
      page,
      [
        "const n: number = 'x';",
        'const row = await sdk.db.queryOne<{ id: number }>("SELECT 1 AS id");',
        'if (context.trigger.type === "http") sdk.log.info(context.trigger.httpRequest.path);',
        'return row?.id ?? n;',
      ].join('\n'),
    );
    await page.selectOption('#language', 'typescript');
    const language = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      return w.jsruntimeEditor.get(w.document.getElementById('editor'))!.model.getLanguageId();
    });
    assert.equal(language, 'typescript');
    // Exactly the type error on line 1: top-level await (line 2) and return (line 4) are legal.
    await expectMarkers(page, 'editor', 'typescript', [[1, '2322']]);
  });

  void it('type-checks JavaScript too, still allowing top-level return', async () => {
    await setSource(page, 'const r = await sdk.cache.get("k");\nsdk.cache.nope();\nreturn r;');
    await page.selectOption('#language', 'javascript');
    await expectMarkers(page, 'editor', 'javascript', [[2, '2339']]);
  });

  void it('Ctrl+S submits the form through HTMX with the editor text', async () => {
    const source = 'const saved = await sdk.cache.get("x");\nreturn saved;';
    await setSource(page, source);
    await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      w.jsruntimeEditor.get(w.document.getElementById('editor'))!.editor.focus();
    });
    const posted = once(server.posts, 'post') as Promise<[URLSearchParams]>;
    await page.keyboard.press('Control+s');
    const [form] = await posted;
    assert.equal(form.get('Source'), source);
    assert.equal(form.get('Language'), 'javascript');
    await page.locator('#save-result #saved').waitFor();
    assert.equal(server.served.filter((s) => s.method === 'POST').length, 1);
  });

  void it('mounts the diff editor and shows the change', async () => {
    const diff = await page.evaluate(async () => {
      const w = globalThis as unknown as PageWindow;
      const h = w.jsruntimeEditor.get(w.document.getElementById('diff'))!;
      await h.diffReady;
      return {
        kind: h.kind,
        original: h.original.getValue(),
        modified: h.modified.getValue(),
        changes: h.editor.getLineChanges()?.length ?? 0,
        preHidden: w.document.getElementById('version-1')?.hidden,
      };
    });
    assert.equal(diff.kind, 'diff');
    assert.match(diff.original, /SELECT id FROM orders'\)/);
    assert.match(diff.modified, /sdk\.log\.info/);
    assert.ok(diff.changes > 0, 'line changes computed');
    assert.equal(diff.preHidden, true);
    await page.locator('#diff .line-insert, #diff .char-insert').first().waitFor();
    await page.locator('#diff').scrollIntoViewIfNeeded();
    await screenshot(page, 'editor-diff');
  });

  void it('mounts editors swapped in by HTMX and disposes swapped-out ones', async () => {
    await page.click('#load-fragment');
    await page.waitForFunction(() => {
      const w = globalThis as unknown as PageWindow;
      return w.jsruntimeEditor.get(w.document.getElementById('swapped-editor')) !== undefined;
    });
    const first = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const el = w.document.getElementById('swapped-editor');
      w.held = el;
      const h = w.jsruntimeEditor.get(el)!;
      return {
        value: h.model.getValue(),
        language: h.model.getLanguageId(),
        readOnly: h.editor.getRawOptions().readOnly,
      };
    });
    assert.deepEqual(first, {
      value: "const greeting: string = 'hello from a fragment';\nreturn greeting;",
      language: 'typescript',
      readOnly: true,
    });
    // A second swap replaces the element: the new one mounts, the old one is disposed.
    await page.click('#load-fragment');
    await page.waitForFunction(() => {
      const w = globalThis as unknown as PageWindow;
      const el = w.document.getElementById('swapped-editor');
      return el !== w.held && w.jsruntimeEditor.get(el) !== undefined;
    });
    const oldMounted = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      return w.jsruntimeEditor.get(w.held) !== undefined;
    });
    assert.equal(oldMounted, false);
  });

  void it('fits a 360 px wide phone', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    try {
      // Inline callbacks only: tsx names nested functions with a helper the page does not have.
      await page.waitForFunction(() => {
        const w = globalThis as unknown as PageWindow;
        return ['#editor', '#diff'].every(
          (id) =>
            (w.document.querySelector(`${id} .monaco-editor`)?.getBoundingClientRect().width ??
              Infinity) <= 360,
        );
      });
      const overflow = await page.evaluate(
        () => (globalThis as unknown as PageWindow).document.documentElement.scrollWidth,
      );
      assert.ok(overflow <= 360, `page scrolls sideways: ${overflow}px`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  void it('follows the dark colour scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('#editor .monaco-editor.vs-dark').waitFor();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('#editor .monaco-editor.vs').waitFor();
  });

  void it('loaded workers, fonts and styles without errors or 404s', () => {
    const paths = new Set(server.served.filter((s) => s.status === 200).map((s) => s.path));
    for (const path of [
      '/assets/editor.js',
      '/assets/editor.css',
      '/assets/editor.worker.js',
      '/assets/ts.worker.js',
    ]) {
      assert.ok(paths.has(path), `${path} served`);
    }
    assert.ok(
      [...paths].some((p) => /^\/assets\/codicon-.*\.ttf$/.test(p)),
      'codicon font served',
    );
    assert.deepEqual(
      server.served.filter((s) => s.status >= 400),
      [],
    );
    assert.deepEqual(badResponses, []);
    assert.deepEqual(pageErrors, []);
  });
});

void describe('sdk.d.ts', () => {
  void it('type-checks script bodies against the ECMAScript lib only', async () => {
    const dts = await readFile(sdkTypesPath, 'utf8');
    const script = [
      "const res = await sdk.http.post<{ id: string }>('https://api.example.com', { a: 1 }, { timeout: 500 });",
      'const id: string = res.body.id;',
      "const rows = await sdk.db.transaction(async (tx) => tx.query<{ n: number }>('SELECT $1::int AS n', [1]));",
      "const count: number = await sdk.cache.increment('hits');",
      "await events.publish('sales.order.created', { id, count, n: rows[0]?.n });",
      "console.log('user', context.userId, context.input.anything);",
      "if (context.trigger.type === 'cron') sdk.log.warn(context.trigger.cronExpression.trim());",
      'const bad: number = context.tenantId;',
      'window.alert(1);',
      'return { status: 201, body: res.body };',
    ].join('\n');
    const files: Record<string, string> = { '/sdk.d.ts': dts, '/script.ts': script };
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.ESNext,
      lib: ['lib.esnext.d.ts'],
      moduleDetection: ts.ModuleDetectionKind.Force,
      strict: true,
      noEmit: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const readDefault = host.readFile.bind(host);
    host.readFile = (name) => files[name] ?? readDefault(name);
    host.fileExists = (name) => name in files || ts.sys.fileExists(name);
    const getDefault = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version) =>
      name in files ? ts.createSourceFile(name, files[name]!, version) : getDefault(name, version);
    const program = ts.createProgram(['/sdk.d.ts', '/script.ts'], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const line =
        d.file && d.start !== undefined
          ? d.file.getLineAndCharacterOfPosition(d.start).line + 1
          : 0;
      return `${d.file?.fileName}:${line} TS${d.code}`;
    });
    // Only the planted errors: a type error, a browser global, and the top-level return that the
    // editor filters out (the script is a function body at run time).
    assert.deepEqual(diagnostics.sort(), [
      '/script.ts:10 TS1108',
      '/script.ts:8 TS2322',
      '/script.ts:9 TS2304',
    ]);
  });
});
