// Library entry point: embed jsruntime in a host application.
//
//   import { createRuntime } from 'jsruntime';
//   const runtime = await createRuntime({ databaseUrl: process.env.DATABASE_URL, web: false });
//   const { output } = await runtime.invoke('acme', 'Price calculator', { items: [...] });
//   await runtime.publish('acme', 'sales.order.paid', { orderId: 42 });
//   await runtime.close();
import { loadConfig } from './config.js';
import { createLogger, silentLogger } from './lib/logger.js';
import { startService, type Service } from './service.js';
import type { ExecutionResult } from './dispatch/executor.js';

export interface RuntimeOptions {
  /** External PostgreSQL; omit to run the embedded server under dataDir. */
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly dataDir?: string;
  /** Serve the web UI and API too (default false: in-process use only). */
  readonly web?: boolean;
  /** Port for the web UI when `web` is true (default 3000; 0 picks a free one). */
  readonly port?: number;
  /** Run the queue, cron and event delivery in this process (default true). */
  readonly worker?: boolean;
  /** pino level; default silent. */
  readonly logLevel?: string;
  /** Any other setting by its environment variable name (e.g. HTTP_ALLOWLIST). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Runtime {
  /** Runs an active embedded script of the tenant (by id or name) and returns its output. */
  invoke(tenantSlug: string, idOrName: string, input?: unknown): Promise<ExecutionResult>;
  /** Publishes a host event for the tenant; subscribed scripts run asynchronously. */
  publish(
    tenantSlug: string,
    type: string,
    payload?: Record<string, unknown>,
  ): Promise<{ eventId: string }>;
  /** The web port when `web` is true. */
  readonly port: number | null;
  /** The underlying service (database pool, engine) for advanced use. */
  readonly service: Service;
  close(): Promise<void>;
}

export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const web = options.web ?? false;
  const worker = options.worker ?? true;
  if (!web && !worker) throw new Error('createRuntime: enable web, worker or both');
  const env: Record<string, string> = { ...options.env };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  if (options.dataDir) env.DATA_DIR = options.dataDir;
  if (options.port !== undefined) env.PORT = String(options.port);
  env.JSRUNTIME_ROLE = web && worker ? 'all' : web ? 'web' : 'worker';
  const config = loadConfig(env);
  const logger =
    options.logLevel && options.logLevel !== 'silent'
      ? createLogger({ level: options.logLevel })
      : silentLogger;
  const service = await startService(config, logger);
  return {
    invoke: (tenant, idOrName, input) => service.invoke(tenant, idOrName, input),
    publish: (tenant, type, payload) => service.publish(tenant, type, payload),
    port: service.port,
    service,
    close: () => service.stop(),
  };
}

export type { ExecutionResult };
export { AppError } from './lib/errors.js';
