// One-shot messages across a redirect (e.g. "Script updated. Version 2 created."), kept in a
// short-lived cookie so they work for HTMX redirects and plain form posts alike.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './env.js';

const FLASH_COOKIE = 'jsr_flash';

export function setFlash(c: Context, message: string): void {
  setCookie(c, FLASH_COOKIE, encodeURIComponent(message.slice(0, 300)), {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: 60,
  });
}

export const readFlash: MiddlewareHandler<AppEnv> = async (c, next) => {
  const raw = getCookie(c, FLASH_COOKIE);
  c.set('flash', null);
  if (raw && c.req.method === 'GET' && c.req.header('hx-request') !== 'true') {
    try {
      c.set('flash', decodeURIComponent(raw));
    } catch {
      c.set('flash', null);
    }
    deleteCookie(c, FLASH_COOKIE, { path: '/' });
  }
  await next();
};
