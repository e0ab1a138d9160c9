// Browser entry: progressively enhances server-rendered script forms and version diffs with Monaco.
//
// Page contract (the server renders; everything works without JavaScript):
//
//   <link rel="stylesheet" href="/assets/editor.css">            (added by this script if absent)
//   <script type="module" src="/assets/editor.js"></script>      (an ES module; workers load
//                                                                 from the same directory)
//
//   Editor — inside the form that submits the source:
//     <div class="code-editor" data-editor data-language="javascript|typescript"
//          data-readonly="true|false" data-target="source-input-id"
//          data-markers='[{"line":3,"column":5,"message":"Unexpected token"}]'
//          data-label="Script source"></div>
//     <textarea id="source-input-id" name="Source">…</textarea>
//   The textarea's value is loaded into the editor, the textarea is hidden and kept equal to the
//   editor on every change (an `input` event is dispatched on it). `data-target` may also name a
//   `<pre>` (read-only pages); without it the div's own text is the source. `data-markers` are
//   the server's errors (1-based line and column), shown until the text is first edited.
//   A `Language` select (or radios) in the same form switches the language live. Ctrl+S / Cmd+S
//   in the form calls `form.requestSubmit()`, so an hx-enabled form submits through HTMX.
//   `data-readonly="true"`: a view that grows with its content (up to 640 px).
//   `data-label` overrides the ARIA label (default "Script source").
//
//   Diff — read-only comparison of two versions:
//     <div class="code-editor" data-diff data-language="javascript|typescript"
//          data-original-id="v1-source" data-modified-id="v2-source"></div>
//     <pre id="v1-source">…</pre> <pre id="v2-source">…</pre>     (hidden once mounted)
//
//   Content swapped in by HTMX is enhanced on `htmx:afterSettle` (and `htmx:historyRestore`);
//   editors whose elements left the page are disposed then. The theme follows `prefers-color-scheme`.
//
//   window.jsruntimeEditor = { ready: Promise<void>, get(el), monaco, languageWorker } —
//   `ready` resolves once the elements present at load are mounted; `get(el)` returns the
//   mounted handle ({ kind: 'editor', editor, model } or { kind: 'diff', editor, original,
//   modified, diffReady }) or undefined; `monaco` and `languageWorker(language, uri)` are for
//   tests and debugging.
import { configureMonaco, languageWorker, monaco } from './monaco.js';
import { mountCodeEditor, type CodeEditorHandle } from './code-editor.js';
import { mountDiffEditor, type DiffEditorHandle } from './diff-editor.js';
import { followColorScheme } from './theme.js';
// After Monaco's own CSS so the page layout rules win ties.
import './editor.css';

export type EditorHandle = CodeEditorHandle | DiffEditorHandle;

export interface JsRuntimeEditorApi {
  readonly ready: Promise<void>;
  get(el: Element): EditorHandle | undefined;
  readonly monaco: typeof monaco;
  readonly languageWorker: typeof languageWorker;
}

declare global {
  interface Window {
    jsruntimeEditor?: JsRuntimeEditorApi;
  }
}

const mounted = new Map<Element, EditorHandle>();

function ensureStylesheet(): void {
  const href = new URL('./editor.css', import.meta.url).href;
  const present = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].some(
    (link) => link.href === href,
  );
  if (present) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  document.head.append(link);
}

/** Disposes editors whose elements were removed (e.g. swapped out by HTMX). */
function sweep(): void {
  for (const [el, handle] of mounted) {
    if (!el.isConnected) {
      handle.dispose();
      mounted.delete(el);
    }
  }
}

/** Mounts every not-yet-mounted editor and diff under `root`. */
function mountAll(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-editor], [data-diff]')) {
    if (mounted.has(el)) continue;
    try {
      mounted.set(el, 'diff' in el.dataset ? mountDiffEditor(el) : mountCodeEditor(el));
    } catch (error) {
      // One broken element must not take the others (or the no-JS fallback) down with it.
      console.error('jsruntime editor: mount failed', el, error);
    }
  }
}

function start(): void {
  configureMonaco();
  followColorScheme();
  ensureStylesheet();
  mountAll(document);
  // The whole document is rescanned: an outerHTML swap can make the editor element itself the
  // settled target, which a scan below the target would miss. Mounted elements are skipped.
  const refresh = (): void => {
    sweep();
    mountAll(document);
  };
  document.addEventListener('htmx:afterSettle', refresh);
  // Back/forward restores a saved copy of the page: fresh elements that need mounting again.
  document.addEventListener('htmx:historyRestore', refresh);
}

const ready = new Promise<void>((resolve) => {
  const run = (): void => {
    start();
    resolve();
  };
  // Module scripts run after parsing, but the bundle may also be loaded late or dynamically.
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', run, { once: true });
  } else {
    run();
  }
});

window.jsruntimeEditor = { ready, get: (el) => mounted.get(el), monaco, languageWorker };
