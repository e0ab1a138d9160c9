// Starts the whole service in-process on a fresh test database (port 0) and offers an HTTP
// client that can log in like a browser (cookie + CSRF token) or call the API with a token.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/lib/logger.js';
import { startService, type Service } from '../../src/service.js';
import { createTestDatabase, type TestDatabase, type TestServer } from './databases.js';

export const ADMIN_TOKEN = 'jsr_test_admin_token_0123456789abcdef';
export const ADMIN_PASSWORD = 'test-admin-password';
export const ADMIN_EMAIL = 'admin@jsruntime.local';

export interface TestService {
  readonly service: Service;
  readonly db: TestDatabase;
  readonly base: string;
  stop(): Promise<void>;
}

export async function startTestService(
  server: TestServer,
  env: Record<string, string> = {},
): Promise<TestService> {
  const db = await createTestDatabase(server);
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    JSRUNTIME_ADMIN_TOKEN: ADMIN_TOKEN,
    JSRUNTIME_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    SANDBOX_PROCESSES: '1',
    // Each test service its own Redis keys: rate limits and slots must not leak between files.
    REDIS_KEY_PREFIX: `test${randomBytes(4).toString('hex')}:`,
    ...(process.env.REDIS_URL && server.name === 'external'
      ? { REDIS_URL: process.env.REDIS_URL }
      : {}),
    ...env,
  });
  const service = await startService(config, silentLogger);
  return {
    service,
    db,
    base: `http://127.0.0.1:${service.port}`,
    async stop() {
      await service.stop();
      await db.drop();
    },
  };
}

export interface Response2 {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T;
}

async function wrap(r: Response): Promise<Response2> {
  const text = await r.text();
  return {
    status: r.status,
    headers: r.headers,
    text,
    json: () => JSON.parse(text),
  };
}

/** An API client with a bearer token. */
export function apiClient(base: string, token: string | null) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    wrap(
      await fetch(base + path, {
        method,
        redirect: 'manual',
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body ?? {}, headers),
    put: (path: string, body?: unknown) => call('PUT', path, body ?? {}),
    delete: (path: string) => call('DELETE', path),
  };
}

/** A browser-like client: keeps cookies, reads the CSRF token from pages, posts forms. */
export class BrowserClient {
  private cookies = new Map<string, string>();
  csrf: string | null = null;

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(r: Response): void {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private learnCsrf(text: string): void {
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1]!;
  }

  async request(
    method: string,
    path: string,
    opts: {
      form?: Record<string, string | string[]>;
      headers?: Record<string, string>;
      csrf?: boolean;
    } = {},
  ): Promise<Response2> {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), ...opts.headers };
    let body: string | undefined;
    if (opts.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.form)) {
        for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
      }
      if (opts.csrf !== false && this.csrf && !opts.form._csrf) params.append('_csrf', this.csrf);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const r = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    this.remember(r);
    const res = await wrap(r);
    this.learnCsrf(res.text);
    return res;
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  post(path: string, form: Record<string, string | string[]>, headers?: Record<string, string>) {
    return this.request('POST', path, { form, headers });
  }

  /** HTMX-style request: the CSRF token travels in a header, as hx-headers sends it. */
  htmx(method: string, path: string, form?: Record<string, string | string[]>) {
    return this.request(method, path, {
      form,
      csrf: false,
      headers: { 'hx-request': 'true', ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}) },
    });
  }

  async login(email: string, password: string): Promise<Response2> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }
}
