// The service as production runs it: `node --no-node-snapshot dist/main.js`, in its own process,
// on 127.0.0.1 and a free port, with a clean environment (the bench shell's DATABASE_URL etc. do
// not leak in). Its log goes to a file in a temp dir, shown when it fails to start.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { onCleanup } from './cleanup.js';
import { type BenchContext, tempDir } from './context.js';
import { freePort } from './databases.js';
import { ROOT } from './dist.js';
import { sleep } from './stats.js';

export interface ServiceProcess {
  readonly pid: number;
  readonly baseUrl: string;
  readonly databaseUrl: string;
  /** A pool on the service's database for set-up and checks (closed by stop()). */
  readonly pool: pg.Pool;
  /** Bearer token of the default tenant (superadmin). */
  readonly token: string;
  readonly tenantId: string;
  /** JSON API call with the token; throws on a non-2xx answer. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startServiceProcess(
  ctx: BenchContext,
  opts: { databaseUrl: string; label: string; env: Record<string, string> },
): Promise<ServiceProcess> {
  const dir = tempDir(`service-${opts.label}`);
  const port = await freePort();
  const token = `bench_${randomBytes(24).toString('hex')}`;
  const logFile = join(dir, 'service.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', ...ctx.serviceNodeFlags, 'dist/main.js'],
    {
      cwd: ROOT,
      stdio: ['ignore', out, out],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        DATA_DIR: join(dir, 'data'),
        DATABASE_URL: opts.databaseUrl,
        ...(ctx.redisUrl ? { REDIS_URL: ctx.redisUrl } : {}),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        NODE_ID: `bench-${opts.label}`,
        JSRUNTIME_ADMIN_TOKEN: token,
        JSRUNTIME_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
        SHUTDOWN_GRACE_MS: '5000',
        ...opts.env,
      },
    },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
  let stopped = false;
  const stop = onCleanup(`stop service ${opts.label}`, async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    }
    await pool.end();
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      throw new Error(
        `service ${opts.label} exited during start:\n${readFileSync(logFile, 'utf8').slice(-3000)}`,
      );
    }
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `service ${opts.label} not ready in 60 s:\n${readFileSync(logFile, 'utf8').slice(-3000)}`,
      );
    }
    await sleep(100);
  }
  const tenant = await pool.query<{ id: string }>("SELECT id FROM tenants WHERE slug = 'default'");
  ctx.log(`service ${opts.label} ready on ${baseUrl} (pid ${child.pid})`);
  return {
    pid: child.pid!,
    baseUrl,
    databaseUrl: opts.databaseUrl,
    pool,
    token,
    tenantId: tenant.rows[0]!.id,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    stop,
  };
}
