// Execution pages and fragments (SPEC §7): execute (row prepended), history (polled),
// execution detail, retry, cancel; dead letters.
import { Hono, type Context } from 'hono';
import { canRunManually } from '../../domain/lifecycle.js';
import type { ExecutionService } from '../../executions/service.js';
import { AppError } from '../../lib/errors.js';
import type { EventsService } from '../../triggers/event/events-service.js';
import type { AppEnv } from '../env.js';
import { setFlash } from '../flash.js';
import { principalOf, requirePermission } from '../middleware/require.js';
import { isHtmx } from '../respond.js';
import {
  DeadLettersPage,
  ExecutionPage,
  ExecutionRowView,
  ExecutionsList,
  ExecutionsSection,
} from '../views/executions.js';
import type { ScriptService } from '../../scripts/service.js';

const HISTORY_SIZE = 20;

function parseInput(raw: unknown): unknown {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('VALIDATION_ERROR', `Input is not valid JSON: ${(err as Error).message}`, {
      fields: { input: 'Input is not valid JSON' },
    });
  }
}

export function executionsSection(deps: { executions: ExecutionService; scripts: ScriptService }) {
  return async (c: Context<AppEnv>, scriptId: string) => {
    const p = principalOf(c);
    const s = await deps.scripts.get(p, scriptId);
    const rows = await deps.executions.list(p, scriptId, { page: 1, limit: HISTORY_SIZE });
    return (
      <ExecutionsSection
        scriptId={scriptId}
        scriptName={s.name}
        rows={rows}
        principal={p}
        canRun={canRunManually(s.status)}
      />
    );
  };
}

export function executionPageRoutes(deps: { executions: ExecutionService; events: EventsService }) {
  const app = new Hono<AppEnv>();
  const { executions, events } = deps;

  const rowAnswer = async (c: Context<AppEnv>, executionId: string) => {
    if (isHtmx(c)) {
      const row = await executions.get(principalOf(c), executionId);
      c.header('HX-Trigger', 'executionsChanged');
      return c.html(<ExecutionRowView e={row} principal={principalOf(c)} />, 201);
    }
    return c.redirect(`/executions/${executionId}`, 303);
  };

  app.post('/scripts/:id/execute', requirePermission('scripts.execute'), async (c) => {
    const body = await c.req.parseBody();
    const row = await executions.enqueue(
      principalOf(c),
      c.req.param('id'),
      parseInput(body.Input),
      'manual',
    );
    return rowAnswer(c, row.id);
  });

  app.get('/scripts/:id/executions', requirePermission('scripts.read'), async (c) => {
    const p = principalOf(c);
    const rows = await executions.list(p, c.req.param('id'), { page: 1, limit: HISTORY_SIZE });
    return c.html(<ExecutionsList scriptId={c.req.param('id')} rows={rows} principal={p} />);
  });

  app.get('/executions/:id', requirePermission('scripts.read'), async (c) => {
    const p = principalOf(c);
    return c.html(<ExecutionPage e={await executions.get(p, c.req.param('id'))} principal={p} />);
  });

  app.post('/executions/:id/retry', requirePermission('scripts.execute'), async (c) => {
    const row = await executions.retry(principalOf(c), c.req.param('id'));
    return rowAnswer(c, row.id);
  });

  app.post('/executions/:id/cancel', requirePermission('scripts.execute'), async (c) => {
    const p = principalOf(c);
    const row = await executions.cancel(p, c.req.param('id'));
    if (isHtmx(c)) return c.html(<ExecutionRowView e={row} principal={p} />);
    setFlash(c, 'Execution cancelled.');
    return c.redirect(`/executions/${row.id}`, 303);
  });

  app.get('/dead-letters', requirePermission('scripts.read'), async (c) => {
    const p = principalOf(c);
    const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
    return c.html(
      <DeadLettersPage
        items={await events.list(p, { page, limit: 50 })}
        principal={p}
        page={page}
        flash={c.get('flash')}
      />,
    );
  });

  app.post('/dead-letters/:id/replay', requirePermission('scripts.execute'), async (c) => {
    const row = await events.replay(principalOf(c), c.req.param('id'));
    setFlash(c, 'Event replayed: a new execution is queued.');
    return c.redirect(`/executions/${row.id}`, 303);
  });

  app.post('/dead-letters/:id/delete', requirePermission('scripts.delete'), async (c) => {
    await events.remove(principalOf(c), c.req.param('id'));
    if (isHtmx(c)) return c.body('', 200);
    setFlash(c, 'Dead letter deleted.');
    return c.redirect('/dead-letters', 303);
  });

  return app;
}
