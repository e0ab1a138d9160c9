// Composition root for `npm start`: config from env and flags, start the service, stop on signals.
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './lib/logger.js';
import { startService } from './service.js';
import { printBootstrap } from './cli/print-bootstrap.js';

export async function main(argv: readonly string[]): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, nodeId: config.nodeId });
  const service = await startService(config, logger);
  printBootstrap(service.bootstrap, service.port);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`jsruntime failed to start: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
