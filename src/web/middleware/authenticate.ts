// Resolves the principal from a bearer token or the session cookie. A bearer token that is
// wrong is answered 401 at once: machines get a clear error instead of a login page.
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type pg from 'pg';
import { sha256 } from '../../auth/secrets.js';
import { unauthorized } from '../../lib/errors.js';
import { findApiToken } from '../../store/api-tokens.js';
import { findSession } from '../../store/sessions.js';
import type { AppEnv } from '../env.js';

export const SESSION_COOKIE = 'jsr_session';

export function authenticate(pool: pg.Pool): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('principal', null);
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const token = match ? await findApiToken(pool, sha256(match[1]!)) : null;
      if (!token) {
        // Public webhooks may receive the caller's own Authorization header: not ours to judge.
        if (c.req.path.startsWith('/hooks/')) return next();
        throw unauthorized();
      }
      c.set('principal', {
        kind: 'token',
        tenantId: token.tenantId,
        tenantSlug: token.tenantSlug,
        role: token.role,
        userId: null,
        tokenId: token.id,
        organizationId: null,
        label: `token ${token.name || token.prefix}`,
        csrfToken: null,
      });
      return next();
    }
    const sid = getCookie(c, SESSION_COOKIE);
    if (sid) {
      const s = await findSession(pool, sha256(sid));
      if (s) {
        c.set('principal', {
          kind: 'session',
          tenantId: s.tenantId,
          tenantSlug: s.tenantSlug,
          role: s.role,
          userId: s.userId,
          tokenId: null,
          organizationId: s.organizationId,
          label: s.email,
          csrfToken: s.csrfToken,
        });
      }
    }
    return next();
  };
}
