// JSON API for host events and dead letters (SPEC §8).
import { Hono } from 'hono';
import type { EventsService } from '../../triggers/event/events-service.js';
import type { DeadLetter } from '../../store/dead-letters.js';
import type { AppEnv } from '../env.js';
import { principalOf } from '../middleware/require.js';
import { readJson } from '../read-json.js';
import { executionJson } from './api-executions.js';

export function deadLetterJson(d: DeadLetter) {
  return {
    id: d.id,
    scriptId: d.scriptId,
    scriptName: d.scriptName,
    eventId: d.eventId,
    eventType: d.eventType,
    payload: d.payload,
    chainDepth: d.chainDepth,
    attempts: d.attempts,
    lastExecutionId: d.lastExecutionId,
    lastError: d.lastError,
    createdAt: d.createdAt,
    replayedAt: d.replayedAt,
  };
}

export function eventApiRoutes(deps: { events: EventsService }) {
  const app = new Hono<AppEnv>();
  const { events } = deps;

  app.post('/events', async (c) => {
    const e = await events.publish(principalOf(c), await readJson(c));
    return c.json(
      { eventId: e.id, type: e.type, tenantId: e.tenantId, timestamp: e.createdAt },
      202,
    );
  });

  app.get('/dead-letters', async (c) => {
    const page = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
    const limit = Math.min(100, Math.max(1, Number(c.req.query('limit') ?? 20) || 20));
    return c.json({
      data: (await events.list(principalOf(c), { page, limit })).map(deadLetterJson),
    });
  });

  app.get('/dead-letters/:id', async (c) =>
    c.json(deadLetterJson(await events.get(principalOf(c), c.req.param('id')))),
  );

  app.post('/dead-letters/:id/replay', async (c) =>
    c.json(executionJson(await events.replay(principalOf(c), c.req.param('id'))), 202),
  );

  app.delete('/dead-letters/:id', async (c) => {
    await events.remove(principalOf(c), c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
