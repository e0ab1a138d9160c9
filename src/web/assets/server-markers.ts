// Turns the server's syntax errors (`data-markers`, 1-based line:column) into Monaco markers.
import { monaco } from './monaco.js';

/** Owner of the markers set from the page, apart from the TypeScript worker's own. */
export const SERVER_MARKER_OWNER = 'jsruntime';

interface ServerMarker {
  line: number;
  column: number;
  message: string;
}

function isServerMarker(value: unknown): value is ServerMarker {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.line === 'number' && typeof m.column === 'number' && typeof m.message === 'string'
  );
}

/** Parses `data-markers`; malformed JSON or entries are ignored (the page also shows errors as text). */
export function parseServerMarkers(json: string | undefined): ServerMarker[] {
  if (!json) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter(isServerMarker) : [];
  } catch {
    return [];
  }
}

/** Sets the markers on the model, each spanning the word at its position (or one character). */
export function setServerMarkers(model: monaco.editor.ITextModel, markers: ServerMarker[]): void {
  const lineCount = model.getLineCount();
  const data = markers.map((m): monaco.editor.IMarkerData => {
    const line = Math.min(Math.max(1, Math.trunc(m.line)), lineCount);
    const maxColumn = model.getLineMaxColumn(line);
    const column = Math.min(Math.max(1, Math.trunc(m.column)), maxColumn);
    const word = model.getWordAtPosition({ lineNumber: line, column });
    const endColumn = word ? word.endColumn : Math.min(column + 1, maxColumn);
    return {
      severity: monaco.MarkerSeverity.Error,
      message: m.message,
      source: 'jsruntime',
      startLineNumber: line,
      startColumn: word ? word.startColumn : column,
      endLineNumber: line,
      // An error at the end of a line still needs a visible squiggle.
      endColumn: endColumn > column ? endColumn : column + 1,
    };
  });
  monaco.editor.setModelMarkers(model, SERVER_MARKER_OWNER, data);
}
