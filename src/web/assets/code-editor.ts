// Mounts Monaco on one `[data-editor]` element and keeps its form field in sync.
import { monaco } from './monaco.js';
import { parseServerMarkers, setServerMarkers, SERVER_MARKER_OWNER } from './server-markers.js';

export type ScriptLanguage = 'javascript' | 'typescript';

export interface CodeEditorHandle {
  readonly kind: 'editor';
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  readonly model: monaco.editor.ITextModel;
  getValue(): string;
  dispose(): void;
}

/** Read-only editors grow with their content up to this height, then scroll. */
const MAX_AUTO_HEIGHT_PX = 640;

export function toLanguage(value: string | undefined): ScriptLanguage {
  return value === 'typescript' ? 'typescript' : 'javascript';
}

/** Text of a source element: a form field's value, else its text (e.g. a `<pre>`). */
export function sourceText(el: Element | null): string {
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement) return el.value;
  return el?.textContent ?? '';
}

/** Hides a no-JS fallback element; the inline style wins over page CSS that sets `display`. */
export function hideFallback(el: HTMLElement): void {
  el.hidden = true;
  el.style.display = 'none';
}

/** Forms that already submit on Ctrl+S / Cmd+S (two editors in one form must not submit twice). */
const saveShortcutForms = new WeakSet<HTMLFormElement>();

/**
 * Ctrl+S / Cmd+S anywhere in the form (editor included: Monaco has no binding for it, so the
 * key event bubbles) submits it through `requestSubmit`, which fires `submit` for HTMX.
 */
function submitOnSaveShortcut(form: HTMLFormElement): () => void {
  if (saveShortcutForms.has(form)) return () => {};
  saveShortcutForms.add(form);
  const onKeyDown = (event: KeyboardEvent): void => {
    const save =
      (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's';
    if (!save || event.defaultPrevented) return;
    // Stops the browser's "Save page as" dialog; a held key submits once.
    event.preventDefault();
    if (!event.repeat) form.requestSubmit();
  };
  form.addEventListener('keydown', onKeyDown);
  return () => {
    form.removeEventListener('keydown', onKeyDown);
    saveShortcutForms.delete(form);
  };
}

export function mountCodeEditor(host: HTMLElement): CodeEditorHandle {
  const readOnly = host.dataset.readonly === 'true';
  const target = host.dataset.target ? document.getElementById(host.dataset.target) : null;
  const field = target instanceof HTMLTextAreaElement ? target : null;
  // Without a target the element's own text is the source (read-only snippets).
  const initial = target ? sourceText(target) : (host.textContent ?? '');
  host.textContent = '';

  const model = monaco.editor.createModel(initial, toLanguage(host.dataset.language));
  const editor = monaco.editor.create(host, {
    model,
    readOnly,
    domReadOnly: readOnly,
    ariaLabel: host.dataset.label ?? 'Script source',
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fixedOverflowWidgets: true,
    tabSize: 2,
    fontSize: 14,
    // Tab moves focus out of a read-only view instead of being trapped in it.
    tabFocusMode: readOnly,
  });
  host.classList.add('code-editor--mounted');
  // The original field stays in the form (it is what gets submitted) but is no longer shown.
  if (target) hideFallback(target);
  // A hidden `required` field would block submission without a visible message; the server
  // validates the source anyway ("Source is required").
  field?.removeAttribute('required');

  const disposables: monaco.IDisposable[] = [];
  const cleanups: (() => void)[] = [];

  setServerMarkers(model, parseServerMarkers(host.dataset.markers));
  let serverMarkersShown = true;

  disposables.push(
    model.onDidChangeContent(() => {
      // Server errors describe the text as submitted; once it changes the TS worker takes over.
      if (serverMarkersShown) {
        monaco.editor.setModelMarkers(model, SERVER_MARKER_OWNER, []);
        serverMarkersShown = false;
      }
      if (field) {
        field.value = model.getValue();
        field.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }),
  );

  if (readOnly) {
    const fit = (): void => {
      const height = Math.min(editor.getContentHeight(), MAX_AUTO_HEIGHT_PX);
      host.style.height = `${height}px`;
    };
    disposables.push(editor.onDidContentSizeChange(fit));
    fit();
  }

  const form = field?.form ?? host.closest('form');
  if (form) {
    const onChange = (event: Event): void => {
      const input = event.target;
      if (input instanceof HTMLSelectElement || input instanceof HTMLInputElement) {
        if (input.name === 'Language')
          monaco.editor.setModelLanguage(model, toLanguage(input.value));
      }
    };
    const onReset = (): void => {
      // `reset` fires before the fields are restored; read them once it has finished.
      setTimeout(() => {
        if (field) model.setValue(field.value);
      });
    };
    form.addEventListener('change', onChange);
    form.addEventListener('reset', onReset);
    cleanups.push(() => {
      form.removeEventListener('change', onChange);
      form.removeEventListener('reset', onReset);
    });
    const language = form.elements.namedItem('Language');
    if (language instanceof HTMLSelectElement || language instanceof RadioNodeList) {
      monaco.editor.setModelLanguage(model, toLanguage(language.value));
    }
    if (!readOnly) cleanups.push(submitOnSaveShortcut(form));
  }

  return {
    kind: 'editor',
    editor,
    model,
    getValue: () => model.getValue(),
    dispose() {
      for (const cleanup of cleanups) cleanup();
      for (const d of disposables) d.dispose();
      editor.dispose();
      model.dispose();
    },
  };
}
