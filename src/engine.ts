// The execution engine every node runs: shared-state backends (memory or Redis), the sandbox,
// the SDK capabilities, the executor and the services that use them. Web and worker roles,
// the CLI and the library entry point all sit on top of it.
import type pg from 'pg';
import { createMemoryCache } from './cache/memory.js';
import { createMemoryRateLimiter, createRedisRateLimiter } from './cache/rate-limiter.js';
import { createRedisCache } from './cache/redis.js';
import type { CacheStore, RateLimiter } from './cache/types.js';
import type { Config } from './config.js';
import {
  createMemoryConcurrency,
  createRedisConcurrency,
  type ConcurrencyLimiter,
} from './dispatch/concurrency.js';
import { broadcastCancel } from './dispatch/cancel-channel.js';
import { createExecutionRecorder } from './dispatch/execution-recorder.js';
import { createExecutor, type Executor } from './dispatch/executor.js';
import { listenForScriptChanges } from './dispatch/script-change-channel.js';
import { createScriptDirectory, type ScriptDirectory } from './dispatch/script-directory.js';
import { createTargetCache } from './dispatch/targets.js';
import { createExecutionService, type ExecutionService } from './executions/service.js';
import type { Logger } from './lib/logger.js';
import type { Metrics } from './lib/metrics.js';
import { createPool } from './store/database.js';
import { createSandbox, type Sandbox } from './runtime/sandbox.js';
import { createCacheCapability } from './runtime/sdk/cache/cache-capability.js';
import { createDbCapability } from './runtime/sdk/db/db-capability.js';
import { createSdkDispatcher } from './runtime/sdk/dispatcher.js';
import { createEventsCapability } from './runtime/sdk/events/events-capability.js';
import { createHttpCapability } from './runtime/sdk/http/http-capability.js';
import { createScriptService, type ScriptService } from './scripts/service.js';
import { createEventPublisher, type EventPublisher } from './triggers/event/publisher.js';
import { createEventsService, type EventsService } from './triggers/event/events-service.js';

export interface Engine {
  readonly rateLimiter: RateLimiter;
  readonly cache: CacheStore;
  readonly concurrency: ConcurrencyLimiter;
  readonly sandbox: Sandbox;
  readonly executor: Executor;
  readonly targets: ReturnType<typeof createTargetCache>;
  /** Active HTTP and embedded scripts per tenant, cached for hooks and invoke. */
  readonly scriptDirectory: ScriptDirectory;
  readonly publisher: EventPublisher;
  readonly scripts: ScriptService;
  readonly executions: ExecutionService;
  readonly events: EventsService;
  close(): Promise<void>;
}

export async function createEngine(deps: {
  config: Config;
  pool: pg.Pool;
  /** Connection string for a separate pool for script SQL, so scripts cannot starve the service. */
  databaseUrl: string;
  logger: Logger;
  metrics: Metrics;
}): Promise<Engine> {
  const { config, pool, logger, metrics } = deps;
  const closers: Array<() => Promise<void>> = [];
  try {
    const scriptPool = createPool(deps.databaseUrl, 10);
    closers.push(() => scriptPool.end());
    const rateLimiter = config.redisUrl
      ? createRedisRateLimiter({ url: config.redisUrl, keyPrefix: `${config.redisKeyPrefix}rl:` })
      : createMemoryRateLimiter();
    closers.push(() => rateLimiter.close());
    const cache = config.redisUrl
      ? createRedisCache({ url: config.redisUrl, keyPrefix: `${config.redisKeyPrefix}cache:` })
      : createMemoryCache();
    closers.push(() => cache.close());
    const concurrency = config.redisUrl
      ? createRedisConcurrency({ url: config.redisUrl, prefix: `${config.redisKeyPrefix}slots:` })
      : createMemoryConcurrency();
    closers.push(() => concurrency.close());

    const sandbox = await createSandbox({
      processes: config.sandboxProcesses,
      logger: {
        info: (obj, msg) => logger.info(obj, msg),
        warn: (obj, msg) => logger.warn(obj, msg),
        error: (obj, msg) => logger.error(obj, msg),
      },
    });
    closers.push(() => sandbox.close());
    metrics.gauge(
      'jsruntime_sandbox_processes',
      'Sandbox worker processes ready',
      () => sandbox.stats().processes,
    );
    metrics.gauge(
      'jsruntime_sandbox_isolates',
      'V8 isolates alive in the sandbox pool',
      () => sandbox.stats().isolates,
    );
    metrics.gauge(
      'jsruntime_sandbox_busy',
      'Executions running in the sandbox',
      () => sandbox.stats().busy,
    );
    metrics.gauge(
      'jsruntime_sandbox_fresh_context_runs',
      'Runs since start that got a fresh hardened context (cold start, or the previous run of the script left its context unusable)',
      () => sandbox.stats().contexts.fresh,
    );
    metrics.gauge(
      'jsruntime_sandbox_reused_context_runs',
      'Runs since start served by a context the previous run of the same script left reusable',
      () => sandbox.stats().contexts.reused,
    );

    const publisher = createEventPublisher({ pool, logger });
    const http = createHttpCapability({
      allowlist: config.httpAllowlist,
      onBlocked: () => metrics.ssrfBlocked.inc(),
    });
    closers.push(() => http.close());
    const db = createDbCapability({
      pool: scriptPool,
      onBackgroundError: (err) => logger.warn({ err }, 'sdk.db cleanup failed'),
    });
    const sdk = createSdkDispatcher({
      capabilities: [
        http,
        db,
        createCacheCapability({ store: cache }),
        createEventsCapability({ publish: (e) => publisher.publish(e) }),
      ],
      // Counted for /metrics: every SDK call refused by a per-minute limit.
      rateLimiter: {
        async consume(key, limit, windowMs) {
          const d = await rateLimiter.consume(key, limit, windowMs);
          if (!d.allowed) metrics.rateLimitHits.inc({ limit: 'sdk' });
          return d;
        },
      },
      logger,
    });
    const recorder = createExecutionRecorder(pool);
    closers.push(() => recorder.drain());
    const executor = createExecutor({
      sandbox,
      sdk,
      recorder,
      concurrency,
      tenantMaxConcurrency: config.tenantMaxConcurrency,
      nodeId: config.nodeId,
      logger,
      metrics,
      emit: (tenantId, type, payload) => publisher.emit(tenantId, type, payload),
    });
    const targets = createTargetCache(pool);
    const scriptDirectory = createScriptDirectory({ db: pool });
    const scriptChanges = await listenForScriptChanges(
      pool,
      {
        changed: (tenantId) => scriptDirectory.changed(tenantId),
        listening: (up) => scriptDirectory.setLive(up),
      },
      logger,
    );
    closers.push(() => scriptChanges.close());
    const scripts = createScriptService({
      pool,
      publish: publisher.publishIn,
      changed: (tenantId) => scriptDirectory.changed(tenantId),
    });
    const executions = createExecutionService({
      pool,
      executor,
      targets,
      scripts: scriptDirectory,
      broadcastCancel: (id) => broadcastCancel(pool, id),
    });
    const events = createEventsService({ pool, publisher });
    return {
      rateLimiter,
      cache,
      concurrency,
      sandbox,
      executor,
      targets,
      scriptDirectory,
      publisher,
      scripts,
      executions,
      events,
      async close() {
        for (const fn of closers.reverse())
          await fn().catch((err: unknown) => logger.error({ err }, 'engine close'));
      },
    };
  } catch (err) {
    for (const fn of closers.reverse()) await fn().catch(() => {});
    throw err;
  }
}
