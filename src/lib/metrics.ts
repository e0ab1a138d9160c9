// Prometheus metrics (SPEC §10): one registry per service instance, exposed at /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly executions: Counter<'status' | 'trigger'>;
  readonly executionDuration: Histogram<'trigger'>;
  readonly ssrfBlocked: Counter;
  readonly rateLimitHits: Counter<'limit'>;
  readonly cronSkips: Counter;
  /** Gauges whose values are read at scrape time. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics)
    collectDefaultMetrics({ register: registry, prefix: 'jsruntime_process_' });
  return {
    registry,
    executions: new Counter({
      name: 'jsruntime_executions_total',
      help: 'Finished executions by final status and trigger type',
      labelNames: ['status', 'trigger'],
      registers: [registry],
    }),
    executionDuration: new Histogram({
      name: 'jsruntime_execution_duration_seconds',
      help: 'Wall time of executions in the sandbox',
      labelNames: ['trigger'],
      buckets: [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
      ],
      registers: [registry],
    }),
    ssrfBlocked: new Counter({
      name: 'jsruntime_ssrf_blocked_total',
      help: 'sdk.http requests refused by the SSRF guard',
      registers: [registry],
    }),
    rateLimitHits: new Counter({
      name: 'jsruntime_rate_limit_hits_total',
      help: 'Calls or requests refused by a rate or concurrency limit',
      labelNames: ['limit'],
      registers: [registry],
    }),
    cronSkips: new Counter({
      name: 'jsruntime_cron_skips_total',
      help: 'Cron ticks skipped because the previous run was still going',
      registers: [registry],
    }),
    gauge(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(await read());
        },
      });
    },
  };
}
