// Answers in the caller's language: JSON for the API, a fragment for HTMX, a page otherwise.
import type { Context } from 'hono';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { AppEnv } from './env.js';
import { ErrorPage, ErrorToast } from './views/error-page.js';

/** API paths, and any request that authenticates with a bearer token, get JSON answers. */
export function isApi(c: Context): boolean {
  return (
    c.req.path.startsWith('/api/') ||
    c.req.path.startsWith('/hooks/') ||
    c.req.header('authorization') !== undefined
  );
}

export function isHtmx(c: Context): boolean {
  return c.req.header('hx-request') === 'true';
}

export function renderError(c: Context<AppEnv>, err: AppError) {
  const status = err.status as 400;
  if (err.code === 'RATE_LIMIT' && typeof err.details?.retryAfter === 'number') {
    c.header('Retry-After', String(err.details.retryAfter));
  }
  if (isApi(c)) return c.json(err.toJSON(), status);
  if (err.status === 401) {
    const next =
      c.req.method === 'GET' ? c.req.path + (new URL(c.req.url).search || '') : '/scripts';
    const login = `/login?next=${encodeURIComponent(next)}`;
    if (isHtmx(c)) {
      c.header('HX-Redirect', login);
      return c.body(null, 401);
    }
    return c.redirect(login, 302);
  }
  if (isHtmx(c)) {
    c.header('HX-Retarget', '#toasts');
    c.header('HX-Reswap', 'beforeend');
    return c.html(<ErrorToast message={err.message} />, status);
  }
  return c.html(
    <ErrorPage status={err.status} message={err.message} principal={c.get('principal') ?? null} />,
    status,
  );
}

export function onError(logger: Logger) {
  return (err: Error, c: Context<AppEnv>) => {
    if (err instanceof AppError) return renderError(c, err);
    logger.error({ err, path: c.req.path, method: c.req.method }, 'unhandled error');
    return renderError(
      c,
      new AppError('INTERNAL', 'Something went wrong on our side. Please try again.'),
    );
  };
}

export function onNotFound(c: Context<AppEnv>) {
  return renderError(c, new AppError('NOT_FOUND', 'Page not found.'));
}
