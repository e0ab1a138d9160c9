// Script pages (SPEC §7): list, new, create, view, edit, update, delete, lifecycle, versions.
import { Hono, type Context } from 'hono';
import { isLifecycleAction } from '../../domain/lifecycle.js';
import { isScriptStatus, isScriptType } from '../../domain/script.js';
import { parseScriptForm } from '../../domain/script-validation.js';
import { AppError } from '../../lib/errors.js';
import type { CompileMarker, ScriptService } from '../../scripts/service.js';
import { findTemplate } from '../../scripts/templates.js';
import { findSchedule } from '../../store/routing-tables.js';
import type pg from 'pg';
import type { AppEnv } from '../env.js';
import { setFlash } from '../flash.js';
import { principalOf, requirePermission } from '../middleware/require.js';
import { isHtmx } from '../respond.js';
import { ScriptDetailPage } from '../views/scripts/detail.js';
import { EditScriptPage, NewScriptPage } from '../views/scripts/edit-pages.js';
import { ScriptForm, type ScriptFormProps } from '../views/scripts/form.js';
import {
  formErrors,
  valuesFromInput,
  valuesFromTemplate,
  type FormValues,
} from '../views/scripts/form-values.js';
import { ScriptListBody, ScriptListPage, type ListQuery } from '../views/scripts/list.js';
import { DiffPage, VersionPage, VersionsPage } from '../views/scripts/versions.js';
import { toInput } from '../../scripts/service.js';

const PAGE_SIZE = 20;

async function readForm(c: Context<AppEnv>): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true });
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf' || k === '_method') continue;
    if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
    else if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function redirectTo(c: Context<AppEnv>, url: string) {
  if (isHtmx(c)) {
    c.header('HX-Redirect', url);
    return c.body(null, 200);
  }
  return c.redirect(url, 303);
}

export interface ExecutionsSection {
  /** Renders the executions part of the script page (execute form + history). */
  (c: Context<AppEnv>, scriptId: string): Promise<unknown>;
}

export function scriptPageRoutes(deps: {
  scripts: ScriptService;
  pool: pg.Pool;
  executionsSection?: ExecutionsSection;
}) {
  const app = new Hono<AppEnv>();
  const { scripts } = deps;

  /** Re-renders the form with errors: the fragment for HTMX, the whole page otherwise. */
  const formWithErrors = (c: Context<AppEnv>, props: ScriptFormProps, err: AppError) => {
    const status = err.status as 400 | 409;
    const withErrors: ScriptFormProps = {
      ...props,
      errors: formErrors(err.fields),
      markers: (err.details?.markers as CompileMarker[] | undefined) ?? [],
    };
    if (isHtmx(c)) return c.html(<ScriptForm {...withErrors} />, status);
    return c.html(
      props.mode === 'edit' ? (
        <EditScriptPage {...withErrors} />
      ) : (
        <NewScriptPage {...withErrors} />
      ),
      status,
    );
  };

  app.get('/scripts', requirePermission('scripts.read'), async (c) => {
    const p = principalOf(c);
    const typeQ = c.req.query('type') ?? '';
    const statusQ = c.req.query('status') ?? '';
    const query: ListQuery = {
      search: (c.req.query('search') ?? '').slice(0, 200),
      type: isScriptType(typeQ) ? typeQ : '',
      status: isScriptStatus(statusQ) ? statusQ : '',
      page: Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1),
    };
    const result = await scripts.list(
      p,
      {
        search: query.search,
        type: query.type || undefined,
        status: query.status || undefined,
      } as Parameters<ScriptService['list']>[1],
      { page: query.page, limit: PAGE_SIZE },
    );
    const data = {
      items: result.items,
      total: result.total,
      page: result.page,
      pages: result.pages,
    };
    if (isHtmx(c) && c.req.header('hx-target'))
      return c.html(<ScriptListBody data={data} query={query} principal={p} />);
    return c.html(
      <ScriptListPage data={data} query={query} principal={p} flash={c.get('flash')} />,
    );
  });

  app.get('/scripts/new', requirePermission('scripts.create'), (c) => {
    const key = c.req.query('template');
    const template = findTemplate(key);
    return c.html(
      <NewScriptPage
        principal={principalOf(c)}
        mode="create"
        values={valuesFromTemplate(template)}
        errors={{}}
        markers={[]}
        template={template?.key}
      />,
    );
  });

  app.post('/scripts', requirePermission('scripts.create'), async (c) => {
    const p = principalOf(c);
    const values = await readForm(c);
    try {
      const s = await scripts.create(p, parseScriptForm(values));
      setFlash(c, `Script "${s.name}" created. Version 1 saved.`);
      return redirectTo(c, `/scripts/${s.id}`);
    } catch (err) {
      if (err instanceof AppError && err.fields) {
        return formWithErrors(
          c,
          { principal: p, mode: 'create', values, errors: {}, markers: [] },
          err,
        );
      }
      throw err;
    }
  });

  app.get('/scripts/:id', requirePermission('scripts.read'), async (c) => {
    const p = principalOf(c);
    const s = await scripts.get(p, c.req.param('id'));
    const schedule = s.type === 'scheduled' ? await findSchedule(deps.pool, s.id) : null;
    const executions = deps.executionsSection ? await deps.executionsSection(c, s.id) : null;
    return c.html(
      <ScriptDetailPage
        script={s}
        principal={p}
        schedule={schedule}
        flash={c.get('flash')}
        executions={executions as never}
      />,
    );
  });

  app.get('/scripts/:id/edit', requirePermission('scripts.update'), async (c) => {
    const p = principalOf(c);
    const s = await scripts.get(p, c.req.param('id'));
    return c.html(
      <EditScriptPage
        principal={p}
        mode="edit"
        values={valuesFromInput(toInput(s))}
        errors={{}}
        markers={[]}
        script={{ id: s.id, name: s.name, status: s.status, version: s.version }}
      />,
    );
  });

  app.put('/scripts/:id', requirePermission('scripts.update'), async (c) => {
    const p = principalOf(c);
    const current = await scripts.get(p, c.req.param('id'));
    const values = await readForm(c);
    try {
      const s = await scripts.update(p, current.id, parseScriptForm(values));
      setFlash(c, `Script updated. Version ${s.version} created.`);
      return redirectTo(c, `/scripts/${s.id}`);
    } catch (err) {
      if (err instanceof AppError && err.fields) {
        const script = {
          id: current.id,
          name: current.name,
          status: current.status,
          version: current.version,
        };
        return formWithErrors(
          c,
          { principal: p, mode: 'edit', values, errors: {}, markers: [], script },
          err,
        );
      }
      throw err;
    }
  });

  app.delete('/scripts/:id', requirePermission('scripts.delete'), async (c) => {
    const s = await scripts.remove(principalOf(c), c.req.param('id'));
    const message = `Script "${s.name}" deleted.`;
    if (isHtmx(c)) {
      // From the list the row is swapped out; from the script's own page go back to the list.
      const from = c.req.header('hx-current-url') ?? '';
      if (from.includes(`/scripts/${s.id}`)) {
        setFlash(c, message);
        c.header('HX-Redirect', '/scripts');
        return c.body(null, 200);
      }
      c.header('HX-Trigger', JSON.stringify({ toast: { message, kind: 'success' } }));
      return c.body('', 200);
    }
    setFlash(c, message);
    return c.redirect('/scripts', 303);
  });

  app.post('/scripts/:id/status', requirePermission('scripts.update'), async (c) => {
    const body = await c.req.parseBody();
    const action = body.action;
    if (!isLifecycleAction(action)) throw new AppError('BAD_REQUEST', 'Unknown action');
    const s = await scripts.transition(principalOf(c), c.req.param('id'), action);
    setFlash(c, `Script is now ${s.status}.`);
    return redirectTo(c, `/scripts/${s.id}`);
  });

  app.get('/scripts/:id/versions', requirePermission('scripts.read'), async (c) => {
    const p = principalOf(c);
    const s = await scripts.get(p, c.req.param('id'));
    return c.html(
      <VersionsPage
        script={s}
        versions={await scripts.versions(p, s.id)}
        principal={p}
        flash={c.get('flash')}
      />,
    );
  });

  app.get('/scripts/:id/versions/:n', requirePermission('scripts.read'), async (c) => {
    const p = principalOf(c);
    const s = await scripts.get(p, c.req.param('id'));
    const v = await scripts.version(p, s.id, Number(c.req.param('n')));
    return c.html(<VersionPage script={s} version={v} principal={p} />);
  });

  app.get('/scripts/:id/diff', requirePermission('scripts.read'), async (c) => {
    const p = principalOf(c);
    const s = await scripts.get(p, c.req.param('id'));
    const to = Number(c.req.query('to') ?? s.version);
    const from = Number(c.req.query('from') ?? to - 1);
    const [a, b] = await Promise.all([
      scripts.version(p, s.id, from),
      scripts.version(p, s.id, to),
    ]);
    return c.html(<DiffPage script={s} from={a} to={b} principal={p} />);
  });

  app.post('/scripts/:id/versions/:n/restore', requirePermission('scripts.update'), async (c) => {
    const n = Number(c.req.param('n'));
    const s = await scripts.restore(principalOf(c), c.req.param('id'), n);
    setFlash(c, `Version ${n} restored. Version ${s.version} created.`);
    return redirectTo(c, `/scripts/${s.id}`);
  });

  return app;
}
