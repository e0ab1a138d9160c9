// HTTP trigger (SPEC §5): /hooks/{tenantSlug}{httpPath} runs the matching active script
// synchronously and answers with its return value. Every status of SPEC §5: 404 no route,
// 401 missing credentials, 413 body over 1 MB, 429 rate or concurrency limit, 500 script
// failure (with executionId), 504 timeout.
import { Hono, type Context } from 'hono';
import type pg from 'pg';
import type { RateLimiter } from '../../cache/types.js';
import { can } from '../../domain/permissions.js';
import type { Executor } from '../../dispatch/executor.js';
import type { ScriptDirectory } from '../../dispatch/script-directory.js';
import type { TargetCache } from '../../dispatch/targets.js';
import type { Metrics } from '../../lib/metrics.js';
import type { HttpRequestInfo } from '../../runtime/run-request.js';
import { createTenantLookup } from '../../store/tenant-lookup.js';
import type { AppEnv } from '../../web/env.js';
import { mapResponse } from './response-mapping.js';
import { routeTable } from './route-table.js';

export const MAX_HOOK_BODY_BYTES = 1024 * 1024;
/** Headers never shown to scripts: credentials of the caller. */
const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

function hookError(
  c: Context,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return c.json({ error: { code, message, ...extra } }, status as 400);
}

async function readBody(
  c: Context,
): Promise<{ ok: true; body: unknown } | { ok: false; status: number; message: string }> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_HOOK_BODY_BYTES)
    return { ok: false, status: 413, message: 'Request body must not exceed 1 MB' };
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return { ok: true, body: null };
  const buf = Buffer.from(await c.req.arrayBuffer());
  if (buf.length > MAX_HOOK_BODY_BYTES)
    return { ok: false, status: 413, message: 'Request body must not exceed 1 MB' };
  if (buf.length === 0) return { ok: true, body: null };
  const type = c.req.header('content-type') ?? '';
  const text = buf.toString('utf8');
  if (/application\/(.+\+)?json/i.test(type)) {
    try {
      return { ok: true, body: JSON.parse(text) };
    } catch {
      return { ok: false, status: 400, message: 'Request body is not valid JSON' };
    }
  }
  if (/application\/x-www-form-urlencoded/i.test(type)) {
    return { ok: true, body: Object.fromEntries(new URLSearchParams(text)) };
  }
  return { ok: true, body: text };
}

/** The query string as scripts see it: a value per key, an array for a repeated key. */
function queryOf(url: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (!url.includes('?')) return query;
  const params = new URL(url).searchParams;
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    query[key] = all.length === 1 ? all[0]! : all;
  }
  return query;
}

export function hookRoutes(deps: {
  pool: pg.Pool;
  executor: Executor;
  targets: TargetCache;
  /** Cached endpoints of active scripts: a warm request asks PostgreSQL nothing before it runs. */
  scripts: ScriptDirectory;
  rateLimiter: RateLimiter;
  metrics: Metrics;
  requestsPerMinute: number;
}) {
  const app = new Hono<AppEnv>();
  const findTenant = createTenantLookup(deps.pool);

  app.all('/hooks/:tenantSlug/*', async (c) => {
    const slug = c.req.param('tenantSlug');
    const tenant = await findTenant(slug);
    const path = c.req.path.slice(`/hooks/${slug}`.length) || '/';
    if (!tenant) return hookError(c, 404, 'NOT_FOUND', 'No endpoint matches this path');
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    let found = routeTable(await deps.scripts.hookRoutes(tenant.id)).lookup(path, method);
    if (!found.route) {
      // The cache answers what it knows; a miss is checked in the database.
      const fresh = await deps.scripts.hookRoutes(tenant.id, { fresh: true });
      found = routeTable(fresh).lookup(path, method);
    }
    if (!found.route) {
      if (found.allow.length > 0) {
        c.header('Allow', found.allow.join(', '));
        return hookError(
          c,
          405,
          'METHOD_NOT_ALLOWED',
          `Method ${c.req.method} is not allowed for this endpoint`,
        );
      }
      return hookError(c, 404, 'NOT_FOUND', 'No endpoint matches this path');
    }
    const { route, params } = found;
    if (route.auth === 'token') {
      const p = c.get('principal');
      if (!p || p.tenantId !== tenant.id || !can(p.role, 'scripts.execute')) {
        return hookError(
          c,
          401,
          'UNAUTHORIZED',
          'This endpoint needs a token of its tenant with scripts.execute',
        );
      }
    }
    const body = await readBody(c);
    if (!body.ok) {
      // The unread rest of an oversized body must not be taken for the next request.
      if (body.status === 413) c.header('Connection', 'close');
      return hookError(
        c,
        body.status,
        body.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
        body.message,
      );
    }

    // Versions never change, so the code of this one is cached for good once loaded.
    const target = await deps.targets.load(route.scriptId, route.version);
    if (!target) return hookError(c, 404, 'NOT_FOUND', 'No endpoint matches this path');
    const rate = await deps.rateLimiter.consume(`hook:${target.scriptId}`, deps.requestsPerMinute);
    if (!rate.allowed) {
      deps.metrics.rateLimitHits.inc({ limit: 'hook' });
      c.header('Retry-After', String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000))));
      return hookError(c, 429, 'RATE_LIMIT', 'Rate limit exceeded for this endpoint');
    }

    const query = queryOf(c.req.url);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      if (!HIDDEN_HEADERS.has(k)) headers[k] = v;
    });
    const httpRequest: HttpRequestInfo = {
      method: c.req.method,
      path,
      params,
      headers,
      query,
      body: body.body,
    };
    const p = c.get('principal');
    const answer = await deps.executor.execute(target, {
      trigger: {
        type: 'http',
        eventType: null,
        eventPayload: null,
        httpRequest,
        cronExpression: null,
      },
      triggerData: {
        httpRequest: { method: httpRequest.method, path, params, query, headers },
      },
      input:
        body.body !== null && typeof body.body === 'object' && !Array.isArray(body.body)
          ? body.body
          : {},
      userId: p?.tenantId === tenant.id ? p.userId : null,
    });
    if (!answer.ran) {
      deps.metrics.rateLimitHits.inc({ limit: 'concurrency' });
      c.header('Retry-After', '1');
      return hookError(
        c,
        429,
        'CONCURRENCY_LIMIT',
        'Too many concurrent executions; retry shortly',
      );
    }
    const r = answer.result;
    if (r.status === 'timeout') {
      return hookError(c, 504, 'TIMEOUT', r.error?.message ?? 'The script did not finish in time', {
        executionId: r.id,
      });
    }
    if (r.status !== 'completed') {
      return hookError(
        c,
        500,
        r.error?.code ?? 'EXECUTION_FAILED',
        r.error?.message ?? 'The script failed',
        { executionId: r.id },
      );
    }
    const mapped = mapResponse(r.output);
    for (const [k, v] of Object.entries(mapped.headers)) c.header(k, v);
    c.header('X-Execution-Id', r.id);
    return c.body(c.req.method === 'HEAD' ? '' : mapped.body, mapped.status as 200);
  });

  return app;
}
