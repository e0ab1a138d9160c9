// Mounts a read-only Monaco diff editor on one `[data-diff]` element (version comparison).
import { monaco } from './monaco.js';
import { hideFallback, sourceText, toLanguage } from './code-editor.js';

export interface DiffEditorHandle {
  readonly kind: 'diff';
  readonly editor: monaco.editor.IStandaloneDiffEditor;
  readonly original: monaco.editor.ITextModel;
  readonly modified: monaco.editor.ITextModel;
  /** Resolves once the diff has been computed (Monaco computes it in the editor worker). */
  readonly diffReady: Promise<void>;
  getValue(): string;
  dispose(): void;
}

function textOf(id: string | undefined): string {
  return sourceText(id ? document.getElementById(id) : null);
}

export function mountDiffEditor(host: HTMLElement): DiffEditorHandle {
  const language = toLanguage(host.dataset.language);
  const originalEl = host.dataset.originalId
    ? document.getElementById(host.dataset.originalId)
    : null;
  const modifiedEl = host.dataset.modifiedId
    ? document.getElementById(host.dataset.modifiedId)
    : null;
  const original = monaco.editor.createModel(textOf(host.dataset.originalId), language);
  const modified = monaco.editor.createModel(textOf(host.dataset.modifiedId), language);

  const editor = monaco.editor.createDiffEditor(host, {
    readOnly: true,
    originalEditable: false,
    domReadOnly: true,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    // Phones get the inline view; side by side needs room.
    useInlineViewWhenSpaceIsLimited: true,
    originalAriaLabel: host.dataset.originalLabel ?? 'Original version',
    modifiedAriaLabel: host.dataset.modifiedLabel ?? 'Modified version',
  });
  editor.setModel({ original, modified });
  host.classList.add('code-editor--mounted');
  // The plain-text versions stay in the page for no-JS readers but are no longer shown.
  if (originalEl) hideFallback(originalEl);
  if (modifiedEl) hideFallback(modifiedEl);

  const diffReady = new Promise<void>((resolve) => {
    const sub = editor.onDidUpdateDiff(() => {
      sub.dispose();
      resolve();
    });
  });

  return {
    kind: 'diff',
    editor,
    original,
    modified,
    diffReady,
    getValue: () => modified.getValue(),
    dispose() {
      editor.dispose();
      original.dispose();
      modified.dispose();
    },
  };
}
