// Matches a request path against an endpoint path with `:param` segments.
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const a = path.split('/').filter(Boolean);
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    const actual = a[i]!;
    if (seg.startsWith(':')) {
      try {
        params[seg.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (seg !== actual) {
      return null;
    }
  }
  return params;
}

/** More literal segments win over params, so /orders/new beats /orders/:id. */
export function specificity(pattern: string): number {
  return pattern.split('/').filter((s) => s && !s.startsWith(':')).length;
}
