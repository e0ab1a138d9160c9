// CLI commands open the database the way the service does (joining a running embedded server),
// migrate it, run, and close.
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { openDatabase, type Database } from '../store/database.js';
import { migrate } from '../store/migrate.js';

export async function withDatabase<T>(
  config: Config,
  fn: (db: Database, logger: Logger) => Promise<T>,
  poolSize = 2,
): Promise<T> {
  const logger = createLogger({ level: 'warn' });
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPostgresPort,
    logger,
    poolSize,
  });
  try {
    await migrate(db.pool);
    return await fn(db, logger);
  } finally {
    await db.close();
  }
}
