// Service lifecycle: open storage, migrate, bootstrap, build backends, start the roles this
// node runs, and stop them again in reverse order (SIGTERM drains).
import { serve, type ServerType } from '@hono/node-server';
import { bootstrap, type BootstrapResult } from './auth/bootstrap.js';
import { createMemoryRateLimiter, createRedisRateLimiter } from './cache/rate-limiter.js';
import type { RateLimiter } from './cache/types.js';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import { openDatabase, type Database } from './store/database.js';
import { migrate } from './store/migrate.js';
import { createWebApp } from './web/app.js';
import { createScriptService } from './scripts/service.js';
import { insertEvent } from './store/events.js';

export interface Service {
  readonly config: Config;
  readonly database: Database;
  readonly bootstrap: BootstrapResult;
  /** The port the web server listens on (useful with PORT=0), or null without the web role. */
  readonly port: number | null;
  stop(): Promise<void>;
}

function listen(server: ServerType): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = server as unknown as import('node:http').Server;
    if (s.listening) {
      resolve((s.address() as import('node:net').AddressInfo).port);
      return;
    }
    s.once('listening', () => resolve((s.address() as import('node:net').AddressInfo).port));
    s.once('error', reject);
  });
}

export async function startService(config: Config, logger: Logger): Promise<Service> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPostgresPort,
    logger,
  });
  const cleanups: Array<() => Promise<void>> = [() => database.close()];
  const stopAll = async () => {
    for (const fn of cleanups.reverse()) {
      await fn().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
    }
  };
  try {
    const applied = await migrate(database.pool);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    const boot = await bootstrap(database.pool, {
      adminPassword: config.adminPassword,
      adminToken: config.adminToken,
    });

    const rateLimiter: RateLimiter = config.redisUrl
      ? createRedisRateLimiter({ url: config.redisUrl })
      : createMemoryRateLimiter();
    cleanups.push(() => rateLimiter.close());

    const scripts = createScriptService({ pool: database.pool, publish: insertEvent });

    let draining = false;
    let port: number | null = null;
    if (config.role !== 'worker') {
      const app = createWebApp({
        config,
        pool: database.pool,
        logger,
        rateLimiter,
        readiness: () => [
          {
            name: 'database',
            check: async () => (await database.pool.query('SELECT 1')).rowCount === 1,
          },
        ],
        draining: () => draining,
        scripts,
      });
      const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
      port = await listen(server);
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            draining = true;
            (server as unknown as import('node:http').Server).close(() => resolve());
            (server as unknown as import('node:http').Server).closeIdleConnections();
          }),
      );
      logger.info({ url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}` }, 'web UI listening');
    }
    let stopped = false;
    return {
      config,
      database,
      bootstrap: boot,
      port,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
