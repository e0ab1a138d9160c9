// JSON API for scripts and their versions (SPEC §8).
import { Hono } from 'hono';
import { isLifecycleAction } from '../../domain/lifecycle.js';
import { isScriptStatus, isScriptType } from '../../domain/script.js';
import { AppError } from '../../lib/errors.js';
import { toInput, type ScriptService } from '../../scripts/service.js';
import type { Script, ScriptListItem } from '../../store/scripts.js';
import type { ScriptVersion } from '../../store/script-versions.js';
import type { AppEnv } from '../env.js';
import { principalOf } from '../middleware/require.js';
import { readJson } from '../read-json.js';

export function scriptJson(s: Script | ScriptListItem) {
  return {
    id: s.id,
    ...toInput(s),
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...('lastExecution' in s ? { lastExecution: s.lastExecution } : {}),
  };
}

export function versionJson(v: ScriptVersion, withSource = true) {
  const { source, ...rest } = v.snapshot;
  return {
    version: v.version,
    changeNote: v.changeNote,
    createdAt: v.createdAt,
    createdBy: v.createdByLabel,
    ...(withSource ? { ...rest, source } : { name: rest.name, status: rest.status }),
  };
}

function intParam(
  value: string | undefined,
  def: number,
  min: number,
  max: number,
  name: string,
): number {
  if (value === undefined || value === '') return def;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AppError(
      'VALIDATION_ERROR',
      `${name} must be a whole number between ${min} and ${max}`,
      {
        fields: { [name]: `${name} must be a whole number between ${min} and ${max}` },
      },
    );
  }
  return n;
}

export function scriptApiRoutes(deps: { scripts: ScriptService }) {
  const app = new Hono<AppEnv>();
  const { scripts } = deps;

  app.get('/scripts', async (c) => {
    const type = c.req.query('type') || undefined;
    const status = c.req.query('status') || undefined;
    if (type !== undefined && !isScriptType(type))
      throw new AppError('VALIDATION_ERROR', 'Unknown type filter', {
        fields: { type: 'Unknown type' },
      });
    if (status !== undefined && !isScriptStatus(status))
      throw new AppError('VALIDATION_ERROR', 'Unknown status filter', {
        fields: { status: 'Unknown status' },
      });
    const result = await scripts.list(
      principalOf(c),
      { search: c.req.query('search'), type, status },
      {
        page: intParam(c.req.query('page'), 1, 1, 100_000, 'page'),
        limit: intParam(c.req.query('limit'), 20, 1, 100, 'limit'),
      },
    );
    return c.json({
      data: result.items.map(scriptJson),
      page: result.page,
      limit: result.limit,
      total: result.total,
      pages: result.pages,
    });
  });

  app.post('/scripts', async (c) => {
    const body = await readJson(c);
    const s = await scripts.create(principalOf(c), body);
    return c.json(scriptJson(s), 201);
  });

  app.get('/scripts/:id', async (c) =>
    c.json(scriptJson(await scripts.get(principalOf(c), c.req.param('id')))),
  );

  app.put('/scripts/:id', async (c) => {
    const body = await readJson(c);
    const s = await scripts.update(principalOf(c), c.req.param('id'), body);
    return c.json(scriptJson(s));
  });

  app.delete('/scripts/:id', async (c) => {
    await scripts.remove(principalOf(c), c.req.param('id'));
    return c.body(null, 204);
  });

  app.post('/scripts/:id/status', async (c) => {
    const body = await readJson(c);
    if (!isLifecycleAction(body.action)) {
      throw new AppError(
        'VALIDATION_ERROR',
        'Action must be one of activate, pause, resume, disable, archive',
        {
          fields: { action: 'Action must be one of activate, pause, resume, disable, archive' },
        },
      );
    }
    return c.json(
      scriptJson(await scripts.transition(principalOf(c), c.req.param('id'), body.action)),
    );
  });

  app.get('/scripts/:id/versions', async (c) => {
    const versions = await scripts.versions(principalOf(c), c.req.param('id'));
    return c.json({ data: versions.map((v) => versionJson(v, false)) });
  });

  app.get('/scripts/:id/versions/:n', async (c) => {
    const v = await scripts.version(principalOf(c), c.req.param('id'), Number(c.req.param('n')));
    return c.json(versionJson(v));
  });

  app.post('/scripts/:id/versions/:n/restore', async (c) => {
    const s = await scripts.restore(principalOf(c), c.req.param('id'), Number(c.req.param('n')));
    return c.json(scriptJson(s), 201);
  });

  return app;
}
