// The Hono application: middleware order, then one sub-app per resource.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type pg from 'pg';
import type { Config } from '../config.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { AppEnv } from './env.js';
import { readFlash } from './flash.js';
import { authenticate } from './middleware/authenticate.js';
import { csrfProtection } from './middleware/csrf.js';
import { methodOverride } from './middleware/method-override.js';
import { requireSignedIn } from './middleware/require.js';
import { onError, onNotFound } from './respond.js';
import { adminRoutes } from './routes/admin.js';
import { tenantApiRoutes } from './routes/api-tenants.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { scriptApiRoutes } from './routes/api-scripts.js';
import { scriptPageRoutes } from './routes/scripts-pages.js';
import { staticAssets } from './static-assets.js';
import type { Engine } from '../engine.js';
import type { Metrics } from '../lib/metrics.js';
import { hookRoutes } from '../triggers/http/hooks.js';
import { eventApiRoutes } from './routes/api-events.js';
import { executionApiRoutes } from './routes/api-executions.js';
import { executionPageRoutes, executionsSection } from './routes/executions-pages.js';

export interface WebDeps {
  readonly config: Config;
  readonly pool: pg.Pool;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly engine: Engine;
  readonly readiness: () => readonly ReadinessCheck[];
  readonly draining: () => boolean;
  /** Requests per minute one HTTP-triggered script accepts before 429. */
  readonly hookRequestsPerMinute?: number;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function createWebApp(deps: WebDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(onError(deps.logger));
  app.notFound(onNotFound);

  const { engine } = deps;
  app.route('/', healthRoutes({ checks: deps.readiness, draining: deps.draining }));
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  app.use('/assets/*', staticAssets());

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      crossOriginEmbedderPolicy: false,
      // Not no-referrer: with it Chromium sends `Origin: null` on form posts, which makes them
      // cross-site (SameSite cookies withheld, CSRF origin check failed).
      referrerPolicy: 'same-origin',
    }),
  );
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', 'Request body is larger than 2 MB');
    },
  });
  // GET and HEAD carry no body here; checking one would build a full Request object for nothing
  // (~10% of a hook request's CPU in the main process).
  app.use('*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next),
  );
  app.use('*', authenticate(deps.pool));
  // Hooks answer before form/CSRF handling: they are an API for other systems.
  app.route(
    '/',
    hookRoutes({
      pool: deps.pool,
      executor: engine.executor,
      targets: engine.targets,
      scripts: engine.scriptDirectory,
      rateLimiter: engine.rateLimiter,
      metrics: deps.metrics,
      requestsPerMinute: deps.hookRequestsPerMinute ?? deps.config.hookRequestsPerMinute,
    }),
  );
  app.use(
    '*',
    methodOverride(() => app),
  );
  app.use('*', csrfProtection);
  app.use('*', readFlash);

  app.route(
    '/',
    authRoutes({
      pool: deps.pool,
      rateLimiter: engine.rateLimiter,
      trustProxy: deps.config.trustProxy,
      sessionTtlHours: deps.config.sessionTtlHours,
    }),
  );
  app.get('/', (c) => c.redirect(c.get('principal') ? '/scripts' : '/login'));

  const api = new Hono<AppEnv>();
  api.use('*', requireSignedIn);
  api.route('/', tenantApiRoutes({ pool: deps.pool }));
  api.route('/', scriptApiRoutes({ scripts: engine.scripts }));
  api.route('/', executionApiRoutes({ executions: engine.executions }));
  api.route('/', eventApiRoutes({ events: engine.events }));
  app.route('/api/v1', api);

  const pages = new Hono<AppEnv>();
  pages.use('*', requireSignedIn);
  pages.route('/', adminRoutes({ pool: deps.pool }));
  pages.route(
    '/',
    scriptPageRoutes({
      scripts: engine.scripts,
      pool: deps.pool,
      executionsSection: executionsSection({
        executions: engine.executions,
        scripts: engine.scripts,
      }),
    }),
  );
  pages.route('/', executionPageRoutes({ executions: engine.executions, events: engine.events }));
  app.route('/', pages);
  return app;
}
