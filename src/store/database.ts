// Opens the control-plane database: the embedded server by default, or DATABASE_URL.
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface Database {
  readonly pool: pg.Pool;
  readonly url: string;
  readonly embedded: boolean;
  close(): Promise<void>;
}

// bigint ids (users.id, audit ids) fit in a JS number for any realistic table size.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createPool(url: string, max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // A client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export async function openDatabase(options: {
  databaseUrl: string | null;
  dataDir: string;
  embeddedPort: number;
  logger: Logger;
  poolSize?: number;
}): Promise<Database> {
  if (options.databaseUrl) {
    const pool = createPool(options.databaseUrl, options.poolSize);
    await pool.query('SELECT 1');
    return { pool, url: options.databaseUrl, embedded: false, close: () => pool.end() };
  }
  const server = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    port: options.embeddedPort,
    logger: options.logger,
  });
  const pool = createPool(server.url, options.poolSize);
  return {
    pool,
    url: server.url,
    embedded: true,
    async close() {
      await pool.end();
      await server.stop();
    },
  };
}
