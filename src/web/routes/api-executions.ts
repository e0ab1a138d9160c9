// JSON API for executions, embedded invoke and host events (SPEC §8).
import { Hono } from 'hono';
import {
  EXECUTION_STATUSES,
  type ExecutionRow,
  type ExecutionStatus,
} from '../../store/executions.js';
import type { ExecutionService } from '../../executions/service.js';
import { AppError } from '../../lib/errors.js';
import type { AppEnv } from '../env.js';
import { principalOf } from '../middleware/require.js';
import { readJson } from '../read-json.js';

export function executionJson(e: ExecutionRow, withLogs = true) {
  return {
    id: e.id,
    scriptId: e.scriptId,
    scriptVersion: e.scriptVersion,
    tenantId: e.tenantId,
    status: e.status,
    triggerType: e.triggerType,
    triggerData: e.triggerData,
    input: e.input,
    output: e.output,
    error: e.error,
    ...(withLogs ? { logs: e.logs, logsDropped: e.logsDropped } : {}),
    metrics: e.metrics,
    attempt: e.attempt,
    nodeId: e.nodeId,
    createdAt: e.createdAt,
    startedAt: e.startedAt,
    completedAt: e.completedAt,
  };
}

function pageParams(q: (k: string) => string | undefined) {
  const page = Number(q('page') ?? 1);
  const limit = Number(q('limit') ?? 20);
  if (!Number.isInteger(page) || page < 1)
    throw new AppError('VALIDATION_ERROR', 'page must be a positive whole number', {
      fields: { page: 'page must be a positive whole number' },
    });
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new AppError('VALIDATION_ERROR', 'limit must be between 1 and 100', {
      fields: { limit: 'limit must be between 1 and 100' },
    });
  const status = q('status');
  if (status !== undefined && !(EXECUTION_STATUSES as readonly string[]).includes(status)) {
    throw new AppError('VALIDATION_ERROR', 'Unknown status filter', {
      fields: { status: 'Unknown status' },
    });
  }
  return { page, limit, status: status as ExecutionStatus | undefined };
}

export function executionApiRoutes(deps: { executions: ExecutionService }) {
  const app = new Hono<AppEnv>();
  const { executions } = deps;

  app.post('/scripts/:id/executions', async (c) => {
    const body = await readJson(c);
    const p = principalOf(c);
    if (body.wait === true) {
      return c.json(
        executionJson(await executions.runAndWait(p, c.req.param('id'), body.input)),
        201,
      );
    }
    return c.json(
      executionJson(await executions.enqueue(p, c.req.param('id'), body.input, 'api')),
      202,
    );
  });

  app.get('/scripts/:id/executions', async (c) => {
    const rows = await executions.list(
      principalOf(c),
      c.req.param('id'),
      pageParams((k) => c.req.query(k)),
    );
    return c.json({ data: rows.map((e) => executionJson(e, false)) });
  });

  app.get('/executions/:id', async (c) =>
    c.json(executionJson(await executions.get(principalOf(c), c.req.param('id')))),
  );

  app.post('/executions/:id/cancel', async (c) =>
    c.json(executionJson(await executions.cancel(principalOf(c), c.req.param('id')))),
  );

  app.post('/scripts/:idOrName/invoke', async (c) => {
    const body = await readJson(c);
    const r = await executions.invoke(principalOf(c), c.req.param('idOrName'), body.input);
    if (r.status === 'completed') return c.json({ executionId: r.id, output: r.output });
    if (r.status === 'timeout') {
      return c.json(
        { error: { code: 'TIMEOUT', message: r.error?.message ?? 'Timed out', executionId: r.id } },
        504,
      );
    }
    return c.json(
      {
        error: {
          code: r.error?.code ?? 'EXECUTION_FAILED',
          message: r.error?.message ?? 'Failed',
          executionId: r.id,
          line: r.error?.line,
          column: r.error?.column,
        },
      },
      500,
    );
  });

  return app;
}
