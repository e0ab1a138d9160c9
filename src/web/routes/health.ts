// Liveness (the process answers) and readiness (database, queue, sandbox pool all usable).
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<boolean>;
}

export function healthRoutes(deps: {
  checks: () => readonly ReadinessCheck[];
  draining: () => boolean;
}) {
  const app = new Hono<AppEnv>();
  app.get('/health/live', (c) => c.json({ status: 'ok' }));
  app.get('/health/ready', async (c) => {
    const results: Record<string, 'ok' | 'failing'> = {};
    await Promise.all(
      deps.checks().map(async (chk) => {
        let ok: boolean;
        try {
          ok = await Promise.race([
            chk.check(),
            new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref()),
          ]);
        } catch {
          ok = false;
        }
        results[chk.name] = ok ? 'ok' : 'failing';
      }),
    );
    const ready = !deps.draining() && Object.values(results).every((v) => v === 'ok');
    return c.json(
      { status: ready ? 'ready' : deps.draining() ? 'draining' : 'not ready', checks: results },
      ready ? 200 : 503,
    );
  });
  return app;
}
