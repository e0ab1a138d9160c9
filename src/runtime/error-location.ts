// Maps a position V8 reported in the compiled code to the user's own line and column: through the
// source map when there is one (TypeScript), then minus the wrapper lines.
import { SourceMap, type SourceMapPayload } from 'node:module';
import { LRUCache } from 'lru-cache';
import type { CompiledScript } from './run-request.js';

const maps = new LRUCache<string, SourceMap | false>({ max: 200 });
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

function sourceMapFor(script: CompiledScript): SourceMap | null {
  if (script.sourceMap === null) return null;
  const key = `${script.id}@${script.version}`;
  let map = maps.get(key);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(script.sourceMap) as SourceMapPayload);
    } catch {
      map = false; // a broken map only costs the TypeScript position, not the error
    }
    maps.set(key, map);
  }
  return map || null;
}

/**
 * `line`/`column` are 1-based positions in `script.code` as V8 saw it. The sandbox compiles
 * `(` + code, so positions on line 1 are one column to the right. The rule is compile.ts's:
 * the source map (if any) maps positions in `code` to the user's source preceded by
 * `lineOffset` wrapper lines, so the offset is subtracted after mapping. Positions inside the
 * wrapper map to nothing. (Same rule as compile.ts `mapPosition`, with parsed maps cached by
 * script version rather than by request object.)
 */
export function userPosition(
  script: CompiledScript,
  line: number,
  column: number,
): { line?: number; column?: number } {
  let mappedLine = line;
  let mappedColumn = line === 1 ? column - 1 : column;
  const map = sourceMapFor(script);
  if (map) {
    const entry = map.findEntry(mappedLine - 1, mappedColumn - 1) as {
      generatedLine?: number;
      originalLine?: number;
      originalColumn?: number;
    };
    // findEntry falls back to the closest earlier segment, possibly on another line: no match.
    if (entry.generatedLine !== mappedLine - 1 || typeof entry.originalLine !== 'number') return {};
    mappedLine = entry.originalLine + 1;
    mappedColumn = (entry.originalColumn ?? 0) + 1;
  } else if (line >= script.code.split(LINE_BREAK).length) {
    return {}; // the closing line of the wrapper
  }
  const userLine = mappedLine - script.lineOffset;
  if (userLine < 1) return {};
  return { line: userLine, column: Math.max(1, mappedColumn) };
}
