// HTTP trigger (SPEC §5): /hooks/{tenantSlug}{httpPath} runs the matching active script
// synchronously and answers with its return value. Every status of SPEC §5: 404 no route,
// 401 missing credentials, 413 body over 1 MB, 429 rate or concurrency limit, 500 script
// failure (with executionId), 504 timeout.
import { Hono, type Context } from 'hono';
import type pg from 'pg';
import type { RateLimiter } from '../../cache/types.js';
import { can } from '../../domain/permissions.js';
import type { Executor } from '../../dispatch/executor.js';
import type { TargetCache } from '../../dispatch/targets.js';
import type { Metrics } from '../../lib/metrics.js';
import type { HttpRequestInfo } from '../../runtime/run-request.js';
import { findScript } from '../../store/scripts.js';
import { createTenantLookup } from '../../store/tenant-lookup.js';
import type { AppEnv } from '../../web/env.js';
import { targetFromScript } from '../../dispatch/targets.js';
import { matchPath, specificity } from './route-match.js';
import { mapResponse } from './response-mapping.js';

export const MAX_HOOK_BODY_BYTES = 1024 * 1024;
/** Headers never shown to scripts: credentials of the caller. */
const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

interface EndpointRow {
  scriptId: string;
  httpPath: string;
  methods: string[];
  auth: 'token' | 'public';
}

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

export function hookRoutes(deps: {
  pool: pg.Pool;
  executor: Executor;
  targets: TargetCache;
  rateLimiter: RateLimiter;
  metrics: Metrics;
  requestsPerMinute: number;
}) {
  const app = new Hono<AppEnv>();
  const findTenant = createTenantLookup(deps.pool);

  app.all('/hooks/:tenantSlug/*', async (c) => {
    const tenant = await findTenant(c.req.param('tenantSlug'));
    const prefix = `/hooks/${c.req.param('tenantSlug')}`;
    const path = c.req.path.slice(prefix.length) || '/';
    if (!tenant) return hookError(c, 404, 'NOT_FOUND', 'No endpoint matches this path');
    const endpoints = await deps.pool.query<EndpointRow>(
      `SELECT e.script_id AS "scriptId", e.http_path AS "httpPath", e.methods, e.auth
         FROM script_http_endpoints e JOIN scripts s ON s.id = e.script_id
        WHERE e.tenant_id = $1 AND s.status = 'active'`,
      [tenant.id],
    );
    const matches = endpoints.rows
      .map((e) => ({ e, params: matchPath(e.httpPath, path) }))
      .filter((m): m is { e: EndpointRow; params: Record<string, string> } => m.params !== null)
      .sort((a, b) => specificity(b.e.httpPath) - specificity(a.e.httpPath));
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    const match = matches.find((m) => m.e.methods.includes(method));
    if (!match) {
      if (matches.length > 0) {
        c.header('Allow', [...new Set(matches.flatMap((m) => m.e.methods))].join(', '));
        return hookError(
          c,
          405,
          'METHOD_NOT_ALLOWED',
          `Method ${c.req.method} is not allowed for this endpoint`,
        );
      }
      return hookError(c, 404, 'NOT_FOUND', 'No endpoint matches this path');
    }
    if (match.e.auth === 'token') {
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

    const script = await findScript(deps.pool, tenant.id, match.e.scriptId);
    if (!script || script.status !== 'active')
      return hookError(c, 404, 'NOT_FOUND', 'No endpoint matches this path');
    const rate = await deps.rateLimiter.consume(`hook:${script.id}`, deps.requestsPerMinute);
    if (!rate.allowed) {
      deps.metrics.rateLimitHits.inc({ limit: 'hook' });
      c.header('Retry-After', String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000))));
      return hookError(c, 429, 'RATE_LIMIT', 'Rate limit exceeded for this endpoint');
    }

    const url = new URL(c.req.url);
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      query[key] = all.length === 1 ? all[0]! : all;
    }
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      if (!HIDDEN_HEADERS.has(k)) headers[k] = v;
    });
    const httpRequest: HttpRequestInfo = {
      method: c.req.method,
      path,
      params: match.params,
      headers,
      query,
      body: body.body,
    };
    const target = targetFromScript(script);
    deps.targets.remember(target);
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
        httpRequest: { method: httpRequest.method, path, params: match.params, query, headers },
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
