// Login and logout. Login is rate limited per address and per account, and protected against
// login CSRF with a double-submit cookie (there is no session yet to hold a token).
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type pg from 'pg';
import type { RateLimiter } from '../../cache/types.js';
import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import { randomSecret, safeEqual, sha256 } from '../../auth/secrets.js';
import { deleteSession, insertSession } from '../../store/sessions.js';
import { findUserByEmail } from '../../store/users.js';
import { clientIp, isHttps } from '../client-ip.js';
import type { AppEnv } from '../env.js';
import { SESSION_COOKIE } from '../middleware/authenticate.js';
import { LoginPage } from '../views/login.js';

const LOGIN_CSRF_COOKIE = 'jsr_login_csrf';
const WINDOW_MS = 15 * 60_000;
const MAX_PER_IP = 100;
const MAX_PER_ACCOUNT = 10;
// A real hash to verify against when the account does not exist, so timing does not tell.
let dummyHash: Promise<string> | null = null;
const getDummyHash = () => (dummyHash ??= hashPassword(randomSecret(16)));

function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//')
    ? next
    : '/scripts';
}

export function authRoutes(deps: {
  pool: pg.Pool;
  rateLimiter: RateLimiter;
  trustProxy: boolean;
  sessionTtlHours: number;
}) {
  const app = new Hono<AppEnv>();

  const loginPage = (
    c: Context<AppEnv>,
    opts: { email?: string; error?: string | null; next: string },
    status: 200 | 400 | 401 | 403 | 429 = 200,
  ) => {
    // Reuse the browser's token: a second render (another tab, a prefetch) must not invalidate
    // the form the user is looking at.
    const existing = getCookie(c, LOGIN_CSRF_COOKIE);
    const csrf = existing && /^[A-Za-z0-9_-]{16,64}$/.test(existing) ? existing : randomSecret(16);
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, {
      path: '/login',
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttps(c, deps.trustProxy),
      maxAge: 3600,
    });
    return c.html(
      <LoginPage csrf={csrf} next={opts.next} email={opts.email} error={opts.error ?? null} />,
      status,
    );
  };

  app.get('/login', (c) => {
    if (c.get('principal')) return c.redirect(safeNext(c.req.query('next')));
    return loginPage(c, { next: safeNext(c.req.query('next')) });
  });

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const cookieCsrf = getCookie(c, LOGIN_CSRF_COOKIE);
    if (!cookieCsrf || typeof body._csrf !== 'string' || !safeEqual(cookieCsrf, body._csrf)) {
      return loginPage(c, { email, next, error: 'The form expired. Please try again.' }, 403);
    }
    // Failed attempts are what count: an address or account over its failures in the window
    // is refused before the password is even checked; a successful login counts nothing.
    const ipKey = `login:ip:${clientIp(c, deps.trustProxy)}`;
    const accountKey = `login:acct:${email.toLowerCase()}`;
    const [byIp, byAccount] = await Promise.all([
      deps.rateLimiter.peek(ipKey, MAX_PER_IP, WINDOW_MS),
      deps.rateLimiter.peek(accountKey, MAX_PER_ACCOUNT, WINDOW_MS),
    ]);
    if (!byIp.allowed || !byAccount.allowed) {
      const wait = Math.ceil(Math.max(byIp.retryAfterMs, byAccount.retryAfterMs) / 60_000);
      c.header(
        'Retry-After',
        String(Math.ceil(Math.max(byIp.retryAfterMs, byAccount.retryAfterMs) / 1000)),
      );
      return loginPage(
        c,
        { email, next, error: `Too many login attempts. Try again in ${wait} minute(s).` },
        429,
      );
    }
    const user = email ? await findUserByEmail(deps.pool, email) : null;
    const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), password);
    if (!user || !ok) {
      await Promise.all([
        deps.rateLimiter.consume(ipKey, MAX_PER_IP, WINDOW_MS),
        deps.rateLimiter.consume(accountKey, MAX_PER_ACCOUNT, WINDOW_MS),
      ]);
      return loginPage(c, { email, next, error: 'Invalid email or password.' }, 401);
    }
    const sid = randomSecret(32);
    const expiresAt = new Date(Date.now() + deps.sessionTtlHours * 3600_000);
    await insertSession(deps.pool, {
      idHash: sha256(sid),
      tenantId: user.tenantId,
      userId: user.id,
      csrfToken: randomSecret(24),
      expiresAt,
    });
    deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/login' });
    setCookie(c, SESSION_COOKIE, sid, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttps(c, deps.trustProxy),
      expires: expiresAt,
    });
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    const sid = getCookie(c, SESSION_COOKIE);
    if (sid) await deleteSession(deps.pool, sha256(sid));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    if (c.req.header('hx-request') === 'true') {
      c.header('HX-Redirect', '/login');
      return c.body(null, 204);
    }
    return c.redirect('/login', 303);
  });

  return app;
}
