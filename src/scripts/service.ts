// Script management: create, update (new version), delete, lifecycle, versions and restore.
// Each change is one transaction: script row, version snapshot, routing tables, audit entry
// and the service's own jsruntime.script.* event.
import type pg from 'pg';
import type { Principal } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { nextRun } from '../domain/cron.js';
import {
  applyAction,
  checkStatusChange,
  firesAutomatically,
  type LifecycleAction,
} from '../domain/lifecycle.js';
import { can, type Permission } from '../domain/permissions.js';
import type { ScriptInput } from '../domain/script.js';
import { validateScriptInput } from '../domain/script-validation.js';
import { compileScript } from '../runtime/compile.js';
import { AppError, forbidden, notFound } from '../lib/errors.js';
import { appendAudit } from '../store/audit-log.js';
import type { NewEvent, StoredEvent } from '../store/events.js';
import { isUniqueViolation, withTransaction, type Queryable } from '../store/queryable.js';
import { syncRoutingTables } from '../store/routing-tables.js';
import {
  deleteScript,
  findScript,
  insertScript,
  listScripts,
  updateScript,
  updateScriptStatus,
  type CompiledSource,
  type Script,
  type ScriptFilters,
  type ScriptListItem,
} from '../store/scripts.js';
import {
  findVersion,
  insertVersion,
  listVersions,
  type ScriptVersion,
} from '../store/script-versions.js';

/** Stores an event durably inside the caller's transaction (and queues its delivery). */
export type EventPublisher = (db: Queryable, event: NewEvent) => Promise<StoredEvent>;

export interface CompileMarker {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export const SCRIPT_NOT_FOUND = "Script not found or you don't have permission to view it.";

function requirePermission(p: Principal, permission: Permission): void {
  if (!can(p.role, permission)) throw forbidden();
}

function scriptNotFound(): AppError {
  return new AppError('NOT_FOUND', SCRIPT_NOT_FOUND);
}

/** The configuration part of a script, as the API and versions show it. */
export function toInput(s: Script | ScriptInput): ScriptInput {
  return {
    name: s.name,
    description: s.description,
    source: s.source,
    language: s.language,
    type: s.type,
    status: s.status,
    cronExpression: s.cronExpression,
    timezone: s.timezone,
    httpPath: s.httpPath,
    httpMethods: s.httpMethods,
    httpAuth: s.httpAuth,
    eventTypes: s.eventTypes,
    limits: s.limits,
    tags: s.tags,
  };
}

function syntaxMessage(e: CompileMarker): string {
  return `Syntax error at line ${e.line}, column ${e.column}: ${e.message}`;
}

async function validate(
  raw: unknown,
  options: Parameters<typeof validateScriptInput>[1],
): Promise<{ input: ScriptInput; compiled: CompiledSource; changeNote: string }> {
  const v = validateScriptInput(raw, options);
  if (!v.ok) {
    // Report a syntax error together with the other field errors, so the author fixes all at once.
    const given = raw as { source?: unknown; language?: unknown };
    const fields = { ...v.fields };
    let markers: CompileMarker[] = [];
    if (!fields.source && typeof given.source === 'string' && given.source.trim()) {
      const c = await compileScript(
        given.source,
        given.language === 'typescript' ? 'typescript' : 'javascript',
      );
      if (!c.ok) {
        markers = c.errors;
        fields.source = syntaxMessage(c.errors[0]!);
      }
    }
    throw new AppError('VALIDATION_ERROR', Object.values(fields)[0] ?? 'Invalid script', {
      fields,
      ...(markers.length > 0 ? { details: { markers } } : {}),
    });
  }
  const c = await compileScript(v.value.source, v.value.language);
  if (!c.ok) {
    const message = syntaxMessage(c.errors[0]!);
    throw new AppError('VALIDATION_ERROR', message, {
      fields: { source: message },
      details: { markers: c.errors satisfies CompileMarker[] },
    });
  }
  return {
    input: v.value,
    changeNote: v.changeNote,
    compiled: { compiledCode: c.code, sourceMap: c.sourceMap, lineOffset: c.lineOffset },
  };
}

function conflict(err: unknown): AppError | null {
  if (isUniqueViolation(err, 'scripts_name_unique')) {
    const m = 'Name already exists for this tenant';
    return new AppError('CONFLICT', m, { fields: { name: m } });
  }
  if (isUniqueViolation(err, 'script_http_endpoints_path_unique')) {
    const m = 'HTTP path already exists for this tenant';
    return new AppError('CONFLICT', m, { fields: { httpPath: m } });
  }
  return null;
}

export function createScriptService(deps: {
  pool: pg.Pool;
  publish: EventPublisher;
  /**
   * Called after a change to a tenant's scripts committed. Other nodes learn of it through the
   * NOTIFY the database sends (migration 0003); this node's caches must not wait for that, so
   * the author's next request already sees the change.
   */
  changed?: (tenantId: string) => void;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());

  function nextRunAt(s: Script): Date | null {
    if (s.type !== 'scheduled' || !s.cronExpression || !firesAutomatically(s.status)) return null;
    return nextRun(s.cronExpression, s.timezone, now());
  }

  async function afterWrite(
    db: Queryable,
    p: Principal,
    s: Script,
    action: string,
    before: ScriptInput | null,
    type: string,
  ) {
    await syncRoutingTables(db, s, { nextRunAt: nextRunAt(s) });
    await appendAudit(db, {
      tenantId: s.tenantId,
      actor: actorOf(p),
      action,
      entityType: 'script',
      entityId: s.id,
      ...(before ? { before } : {}),
      after: { ...toInput(s), version: s.version },
    });
    await deps.publish(db, {
      tenantId: s.tenantId,
      type,
      payload: {
        scriptId: s.id,
        name: s.name,
        version: s.version,
        status: s.status,
        ...(before && before.status !== s.status ? { previousStatus: before.status } : {}),
      },
      source: 'service',
    });
  }

  /** A change of the principal's tenant's scripts, in one transaction. */
  async function change<T>(p: Principal, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await withTransaction(deps.pool, fn);
    } catch (err) {
      throw conflict(err) ?? err;
    } finally {
      // Also after a failure: the commit itself may have failed after reaching the server.
      deps.changed?.(p.tenantId);
    }
  }

  return {
    async list(p: Principal, filters: ScriptFilters, page: { page: number; limit: number }) {
      requirePermission(p, 'scripts.read');
      const { items, total } = await listScripts(deps.pool, p.tenantId, filters, {
        limit: page.limit,
        offset: (page.page - 1) * page.limit,
      });
      return {
        items,
        total,
        page: page.page,
        limit: page.limit,
        pages: Math.max(1, Math.ceil(total / page.limit)),
      } satisfies {
        items: ScriptListItem[];
        total: number;
        page: number;
        limit: number;
        pages: number;
      };
    },

    async get(p: Principal, id: string): Promise<Script> {
      requirePermission(p, 'scripts.read');
      const s = await findScript(deps.pool, p.tenantId, id);
      if (!s) throw scriptNotFound();
      return s;
    },

    async create(p: Principal, raw: unknown): Promise<Script> {
      requirePermission(p, 'scripts.create');
      const { input, compiled, changeNote } = await validate(raw, { mode: 'create' });
      return change(p, async (db) => {
        const s = await insertScript(db, {
          tenantId: p.tenantId,
          organizationId: p.organizationId,
          createdBy: p.userId,
          input,
          compiled,
        });
        await insertVersion(db, {
          tenantId: p.tenantId,
          scriptId: s.id,
          version: 1,
          snapshot: input,
          ...compiled,
          changeNote: changeNote || 'Created',
          createdBy: p.userId,
        });
        await afterWrite(db, p, s, 'script.created', null, 'jsruntime.script.created');
        return s;
      });
    },

    /** Full or partial update: fields not given keep their values. Creates version N+1. */
    async update(p: Principal, id: string, raw: unknown): Promise<Script> {
      requirePermission(p, 'scripts.update');
      const current = await findScript(deps.pool, p.tenantId, id);
      if (!current) throw scriptNotFound();
      const { input, compiled, changeNote } = await validate(raw, {
        mode: 'update',
        current: toInput(current),
      });
      const statusCheck = checkStatusChange(current.status, input.status);
      if (!statusCheck.ok) {
        throw new AppError('VALIDATION_ERROR', statusCheck.message, {
          fields: { status: statusCheck.message },
        });
      }
      return change(p, async (db) => {
        const locked = await findScript(db, p.tenantId, id, { forUpdate: true });
        if (!locked) throw scriptNotFound();
        const s = await updateScript(db, { tenantId: p.tenantId, id, input, compiled });
        if (!s) throw scriptNotFound();
        await insertVersion(db, {
          tenantId: p.tenantId,
          scriptId: s.id,
          version: s.version,
          snapshot: input,
          ...compiled,
          changeNote,
          createdBy: p.userId,
        });
        await afterWrite(db, p, s, 'script.updated', toInput(locked), 'jsruntime.script.updated');
        return s;
      });
    },

    async remove(p: Principal, id: string): Promise<Script> {
      requirePermission(p, 'scripts.delete');
      return change(p, async (db) => {
        const s = await findScript(db, p.tenantId, id, { forUpdate: true });
        if (!s) throw scriptNotFound();
        await deleteScript(db, p.tenantId, id);
        await appendAudit(db, {
          tenantId: p.tenantId,
          actor: actorOf(p),
          action: 'script.deleted',
          entityType: 'script',
          entityId: s.id,
          before: { ...toInput(s), version: s.version },
        });
        await deps.publish(db, {
          tenantId: p.tenantId,
          type: 'jsruntime.script.deleted',
          payload: { scriptId: s.id, name: s.name },
          source: 'service',
        });
        return s;
      });
    },

    /** Lifecycle action (activate, pause, resume, disable, archive); not a new version. */
    async transition(p: Principal, id: string, action: LifecycleAction): Promise<Script> {
      requirePermission(p, 'scripts.update');
      return change(p, async (db) => {
        const current = await findScript(db, p.tenantId, id, { forUpdate: true });
        if (!current) throw scriptNotFound();
        const to = applyAction(current.status, action);
        if (!to) {
          throw new AppError(
            'INVALID_TRANSITION',
            `Cannot ${action} a script that is ${current.status}`,
          );
        }
        const s = (await updateScriptStatus(db, p.tenantId, id, to))!;
        await afterWrite(
          db,
          p,
          s,
          'script.status_changed',
          toInput(current),
          'jsruntime.script.status_changed',
        );
        return s;
      });
    },

    async versions(p: Principal, id: string): Promise<ScriptVersion[]> {
      requirePermission(p, 'scripts.read');
      if (!(await findScript(deps.pool, p.tenantId, id))) throw scriptNotFound();
      return listVersions(deps.pool, p.tenantId, id);
    },

    async version(p: Principal, id: string, n: number): Promise<ScriptVersion> {
      requirePermission(p, 'scripts.read');
      const v =
        Number.isInteger(n) && n > 0 ? await findVersion(deps.pool, p.tenantId, id, n) : null;
      if (!v) throw notFound('Version');
      return v;
    },

    /** Restores version n's content (not its status) as a new version. */
    async restore(p: Principal, id: string, n: number): Promise<Script> {
      requirePermission(p, 'scripts.update');
      const current = await findScript(deps.pool, p.tenantId, id);
      if (!current) throw scriptNotFound();
      const v =
        Number.isInteger(n) && n > 0 ? await findVersion(deps.pool, p.tenantId, id, n) : null;
      if (!v) throw notFound('Version');
      return this.update(p, id, {
        ...v.snapshot,
        status: current.status,
        changeNote: `Restored from version ${n}`,
      });
    },
  };
}

export type ScriptService = ReturnType<typeof createScriptService>;
