// CSRF protection for cookie sessions: every state-changing request must carry the session's
// token (form field `_csrf` or header `X-CSRF-Token`, which HTMX sends via hx-headers) and must
// not come from another site. Bearer-token requests carry no cookies and need neither.
import type { MiddlewareHandler } from 'hono';
import { safeEqual } from '../../auth/secrets.js';
import { AppError } from '../../lib/errors.js';
import type { AppEnv } from '../env.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isFormRequest(contentType: string | undefined): boolean {
  return /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(contentType ?? '');
}

export function crossSite(
  fetchSite: string | undefined,
  origin: string | undefined,
  host: string | undefined,
): boolean {
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') return true;
  if (origin && origin !== 'null' && host) {
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  return origin === 'null';
}

export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  const p = c.get('principal');
  if (SAFE.has(c.req.method) || !p || p.kind !== 'session') return next();
  const failed = (): never => {
    throw new AppError(
      'CSRF_FAILED',
      'The form expired or came from another site. Reload the page and try again.',
    );
  };
  if (crossSite(c.req.header('sec-fetch-site'), c.req.header('origin'), c.req.header('host')))
    failed();
  let sent = c.req.header('x-csrf-token');
  if (!sent && isFormRequest(c.req.header('content-type'))) {
    const body = await c.req.parseBody();
    sent = typeof body._csrf === 'string' ? body._csrf : undefined;
  }
  if (!sent || !p.csrfToken || !safeEqual(sent, p.csrfToken)) failed();
  return next();
};
