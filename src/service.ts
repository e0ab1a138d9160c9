// Service lifecycle: open storage, migrate, bootstrap, build the engine, start the roles this
// node runs (web: HTTP; worker: queue, cron, reaper, retention), and stop them in reverse order.
// SIGTERM drains: stop taking work, let running executions finish (SHUTDOWN_GRACE_MS), exit.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { bootstrap, type BootstrapResult } from './auth/bootstrap.js';
import type { Principal } from './auth/principal.js';
import type { Config } from './config.js';
import { listenForCancels } from './dispatch/cancel-channel.js';
import {
  HEARTBEAT_MS,
  heartbeat,
  markNodeStopped,
  reapDeadNodes,
  registerNode,
} from './dispatch/node-registry.js';
import { createQueue } from './dispatch/queue.js';
import { startRetention } from './dispatch/retention.js';
import { createRunExecutionJob } from './dispatch/run-execution-job.js';
import { createEngine, type Engine } from './engine.js';
import type { ExecutionResult } from './dispatch/executor.js';
import { AppError } from './lib/errors.js';
import type { Logger } from './lib/logger.js';
import { createMetrics } from './lib/metrics.js';
import { openDatabase, type Database } from './store/database.js';
import { migrate } from './store/migrate.js';
import { checkTenantDataSchema } from './store/tenant-data-check.js';
import { createTenantLookup, type TenantLookup } from './store/tenant-lookup.js';
import { startCronScheduler } from './triggers/cron/scheduler.js';
import { deliverEvent } from './triggers/event/delivery.js';
import { createWebApp } from './web/app.js';

export interface Service {
  readonly config: Config;
  readonly database: Database;
  readonly engine: Engine;
  readonly bootstrap: BootstrapResult;
  /** The port the web server listens on (useful with PORT=0), or null without the web role. */
  readonly port: number | null;
  /** Runs an active embedded script of a tenant synchronously (the library entry point). */
  invoke(tenantSlug: string, idOrName: string, input?: unknown): Promise<ExecutionResult>;
  /** Publishes a host event for a tenant. */
  publish(
    tenantSlug: string,
    type: string,
    payload?: Record<string, unknown>,
  ): Promise<{ eventId: string }>;
  stop(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    if (server.listening) return resolve((server.address() as AddressInfo).port);
    server.once('listening', () => resolve((server.address() as AddressInfo).port));
    server.once('error', reject);
  });
}

/** How the library acts inside a tenant: a trusted host application. */
async function hostPrincipal(findTenant: TenantLookup, tenantSlug: string): Promise<Principal> {
  const tenant = await findTenant(tenantSlug);
  if (!tenant) throw new AppError('NOT_FOUND', `Tenant "${tenantSlug}" not found`);
  return {
    kind: 'token',
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    role: 'admin',
    userId: null,
    tokenId: null,
    organizationId: null,
    label: 'host application',
    csrfToken: null,
  };
}

export async function startService(config: Config, logger: Logger): Promise<Service> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    embeddedPort: config.embeddedPostgresPort,
    logger,
    poolSize: 30,
  });
  const stack: Array<{ name: string; stop: () => Promise<void> }> = [
    { name: 'database', stop: () => database.close() },
  ];
  const stopAll = async () => {
    for (const { name, stop } of stack.reverse()) {
      await stop().catch((err: unknown) =>
        logger.error({ err, part: name }, 'error while stopping'),
      );
    }
    stack.length = 0;
  };
  try {
    const applied = await migrate(database.pool);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    const problems = await checkTenantDataSchema(database.pool);
    if (problems.length > 0) {
      throw new Error(`Tenant data schema is not safe for scripts: ${problems.join('; ')}`);
    }
    const queue = createQueue({ pool: database.pool, logger });
    await queue.migrate();
    const boot = await bootstrap(database.pool, {
      adminPassword: config.adminPassword,
      adminToken: config.adminToken,
    });

    const metrics = createMetrics({ defaultMetrics: true });
    const engine = await createEngine({
      config,
      pool: database.pool,
      databaseUrl: database.url,
      logger,
      metrics,
    });
    stack.push({ name: 'engine', stop: () => engine.close() });
    metrics.gauge('jsruntime_queue_depth', 'Jobs waiting to run now', () => queue.depth());

    const roles = config.role === 'all' ? ['web', 'worker'] : [config.role];
    await registerNode(database.pool, config.nodeId, roles);
    const beat = setInterval(() => {
      heartbeat(database.pool, config.nodeId).catch((err: unknown) =>
        logger.warn({ err }, 'heartbeat failed'),
      );
    }, HEARTBEAT_MS);
    beat.unref();
    stack.push({
      name: 'node',
      stop: async () => {
        clearInterval(beat);
        await markNodeStopped(database.pool, config.nodeId);
      },
    });
    const cancels = await listenForCancels(
      database.pool,
      (id) => engine.executor.cancel(id),
      logger,
    );
    stack.push({ name: 'cancel listener', stop: () => cancels.close() });

    let draining = false;
    let port: number | null = null;
    if (roles.includes('web')) {
      const app = createWebApp({
        config,
        pool: database.pool,
        logger,
        metrics,
        engine,
        readiness: () => [
          {
            name: 'database',
            check: async () => (await database.pool.query('SELECT 1')).rowCount === 1,
          },
          { name: 'sandbox', check: async () => engine.sandbox.stats().processes > 0 },
          {
            name: 'queue',
            check: async () =>
              (await queue.depth()) >= 0 && (!roles.includes('worker') || queue.running()),
          },
        ],
        draining: () => draining,
      });
      const server = serve({
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
      }) as Server;
      port = await listen(server);
      stack.push({
        name: 'web',
        stop: () =>
          new Promise<void>((resolve) => {
            draining = true;
            server.close(() => resolve());
            server.closeIdleConnections();
            // Requests still running (sync executions) get the grace period, then are cut.
            setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs).unref();
          }),
      });
      logger.info({ port, host: config.host }, 'web server listening');
    }
    if (roles.includes('worker')) {
      const runExecution = createRunExecutionJob({
        pool: database.pool,
        executor: engine.executor,
        targets: engine.targets,
        nodeId: config.nodeId,
        logger,
      });
      await queue.start(
        {
          run_execution: runExecution,
          deliver_event: async (payload) => {
            await deliverEvent(database.pool, String(payload.eventId));
          },
        },
        { concurrency: config.queueConcurrency },
      );
      // queue.stop() waits for running jobs: that is the drain of asynchronous executions. Past the
      // grace period we exit anyway; other nodes reap what was left running (NODE_LOST).
      stack.push({
        name: 'queue',
        stop: () =>
          Promise.race([
            queue.stop(),
            new Promise<void>((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref()),
          ]),
      });
      const cron = startCronScheduler({ pool: database.pool, logger, metrics });
      stack.push({ name: 'cron', stop: () => cron.stop() });
      const reaper = setInterval(() => {
        reapDeadNodes(database.pool, logger).catch((err: unknown) =>
          logger.warn({ err }, 'reaper failed'),
        );
      }, 15_000);
      reaper.unref();
      stack.push({ name: 'reaper', stop: async () => clearInterval(reaper) });
      const retention = startRetention({
        pool: database.pool,
        logger,
        executionDays: config.executionRetentionDays,
        deadLetterDays: config.deadLetterRetentionDays,
      });
      stack.push({ name: 'retention', stop: () => retention.stop() });
    }

    const findTenant = createTenantLookup(database.pool);
    let stopped = false;
    return {
      config,
      database,
      engine,
      bootstrap: boot,
      port,
      async invoke(tenantSlug, idOrName, input) {
        return engine.executions.invoke(
          await hostPrincipal(findTenant, tenantSlug),
          idOrName,
          input ?? {},
        );
      },
      async publish(tenantSlug, type, payload) {
        const e = await engine.events.publish(await hostPrincipal(findTenant, tenantSlug), {
          type,
          payload: payload ?? {},
        });
        return { eventId: e.id };
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        draining = true;
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
