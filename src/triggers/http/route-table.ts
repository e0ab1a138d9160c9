// A tenant's hook endpoints prepared for lookups: split and ordered once per table the script
// directory hands out (it returns the same array while its cache entry lives), not per request.
import type { HookRoute } from '../../dispatch/script-directory.js';
import { matchSegments, specificity, splitPath } from './route-match.js';

export type RouteLookup =
  | { readonly route: HookRoute; readonly params: Record<string, string> }
  /** No endpoint for this method: `allow` lists the methods of the path (empty: no such path). */
  | { readonly route: null; readonly allow: readonly string[] };

export interface RouteTable {
  lookup(path: string, method: string): RouteLookup;
}

interface PreparedRoute {
  readonly route: HookRoute;
  readonly segments: readonly string[];
}

const prepared = new WeakMap<readonly HookRoute[], RouteTable>();

export function routeTable(routes: readonly HookRoute[]): RouteTable {
  let table = prepared.get(routes);
  if (table) return table;
  const ordered: PreparedRoute[] = routes
    .map((route) => ({
      route,
      segments: splitPath(route.httpPath),
      rank: specificity(route.httpPath),
    }))
    .sort((a, b) => b.rank - a.rank);
  table = {
    lookup(path, method) {
      const actual = splitPath(path);
      const allow: string[] = [];
      for (const p of ordered) {
        const params = matchSegments(p.segments, actual);
        if (!params) continue;
        if (p.route.methods.includes(method)) return { route: p.route, params };
        for (const m of p.route.methods) if (!allow.includes(m)) allow.push(m);
      }
      return { route: null, allow };
    },
  };
  prepared.set(routes, table);
  return table;
}
