// Matches a request path against an endpoint path with `:param` segments.

/** The non-empty segments of a path: `/orders//42/` → ['orders', '42']. */
export function splitPath(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** Params of a match of path segments against pattern segments, or null. */
export function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const seg = pattern[i]!;
    const a = actual[i]!;
    if (seg.startsWith(':')) {
      try {
        params[seg.slice(1)] = decodeURIComponent(a);
      } catch {
        return null;
      }
    } else if (seg !== a) {
      return null;
    }
  }
  return params;
}

export function matchPath(pattern: string, path: string): Record<string, string> | null {
  return matchSegments(splitPath(pattern), splitPath(path));
}

/** More literal segments win over params, so /orders/new beats /orders/:id. */
export function specificity(pattern: string): number {
  return splitPath(pattern).filter((s) => !s.startsWith(':')).length;
}
