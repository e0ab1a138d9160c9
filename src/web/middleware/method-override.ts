// Plain HTML forms can only POST: a `_method` field of PUT, PATCH or DELETE re-dispatches the
// request with that method. (Hono's built-in override drops repeated fields such as HTTPMethods.)
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';

const OVERRIDABLE = new Set(['PUT', 'PATCH', 'DELETE']);

export function methodOverride(app: () => Hono<AppEnv>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (c.req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) {
      return next();
    }
    const body = await c.req.raw.clone().text();
    const method = new URLSearchParams(body).get('_method')?.toUpperCase();
    if (!method || !OVERRIDABLE.has(method)) return next();
    const headers = new Headers(c.req.raw.headers);
    headers.delete('content-length');
    return app().fetch(new Request(c.req.url, { method, headers, body }), c.env);
  };
}
