// Executions as users see them: run a script (queued, or now for wait/invoke), read, list,
// cancel and retry. Checks permissions and the script's status rules.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Principal } from '../auth/principal.js';
import { canRunManually, firesAutomatically } from '../domain/lifecycle.js';
import { can, type Permission } from '../domain/permissions.js';
import type {
  ExecuteAnswer,
  ExecutionTarget,
  Executor,
  ExecutionResult,
} from '../dispatch/executor.js';
import { addJobs } from '../dispatch/queue.js';
import type { ScriptDirectory } from '../dispatch/script-directory.js';
import { targetFromScript, type TargetCache } from '../dispatch/targets.js';
import { AppError, forbidden, notFound } from '../lib/errors.js';
import { simpleTrigger } from '../runtime/run-request.js';
import {
  cancelExecution,
  findExecution,
  insertPendingExecution,
  listScriptExecutions,
  type ExecutionRow,
  type ExecutionStatus,
} from '../store/executions.js';
import { withTransaction } from '../store/queryable.js';
import { findScript, findScriptByName, isUuid, type Script } from '../store/scripts.js';
import { SCRIPT_NOT_FOUND } from '../scripts/service.js';

const MAX_INPUT_BYTES = 1024 * 1024;

function requirePermission(p: Principal, permission: Permission): void {
  if (!can(p.role, permission)) throw forbidden();
}

function scriptNotFound(): AppError {
  return new AppError('NOT_FOUND', SCRIPT_NOT_FOUND);
}

export function checkInput(input: unknown): unknown {
  const value = input === undefined || input === null ? {} : input;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('VALIDATION_ERROR', 'Input must be a JSON object', {
      fields: { input: 'Input must be a JSON object' },
    });
  }
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_INPUT_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', 'Input must not exceed 1 MB');
  }
  return value;
}

/** A sync trigger that found no free slot. */
export function busyError(reason: 'script' | 'tenant' | 'cancelled'): AppError {
  return new AppError(
    'CONCURRENCY_LIMIT',
    reason === 'tenant'
      ? 'Too many executions running for this tenant; retry shortly'
      : 'This script already runs its maximum of concurrent executions; retry shortly',
    { details: { retryAfter: 1 } },
  );
}

export function createExecutionService(deps: {
  pool: pg.Pool;
  executor: Executor;
  targets: TargetCache;
  /** Cached active embedded scripts: a warm invoke asks PostgreSQL nothing before it runs. */
  scripts: ScriptDirectory;
  /** Tells every node to stop a running execution (pg NOTIFY). */
  broadcastCancel: (executionId: string) => Promise<void>;
}) {
  async function scriptFor(p: Principal, id: string): Promise<Script> {
    const s = await findScript(deps.pool, p.tenantId, id);
    if (!s) throw scriptNotFound();
    return s;
  }

  /** A script row's current version as a target, remembered for later runs of that version. */
  function targetOf(s: Script): ExecutionTarget {
    const target = targetFromScript(s);
    deps.targets.remember(target);
    return target;
  }

  /** Runs on this node now; 429 when the script or tenant is at its concurrency limit. */
  async function runNow(
    target: ExecutionTarget,
    opts: { input: unknown; userId: number | null; triggerType: 'manual' | 'api' },
  ): Promise<ExecutionResult> {
    const answer: ExecuteAnswer = await deps.executor.execute(target, {
      trigger: simpleTrigger(opts.triggerType),
      input: opts.input,
      userId: opts.userId,
    });
    if (!answer.ran) throw busyError(answer.reason);
    return answer.result;
  }

  return {
    /** Manual / API run: queued, returns the pending row at once (SPEC §5). */
    async enqueue(
      p: Principal,
      scriptId: string,
      rawInput: unknown,
      triggerType: 'manual' | 'api',
    ): Promise<ExecutionRow> {
      requirePermission(p, 'scripts.execute');
      const s = await scriptFor(p, scriptId);
      if (!canRunManually(s.status))
        throw new AppError('INVALID_TRANSITION', 'Archived scripts cannot run');
      const input = checkInput(rawInput);
      return withTransaction(deps.pool, async (db) => {
        const row = await insertPendingExecution(db, {
          id: randomUUID(),
          tenantId: s.tenantId,
          scriptId: s.id,
          scriptVersion: s.version,
          triggerType,
          triggerData: p.kind === 'token' ? { tokenId: p.tokenId } : { userId: p.userId },
          input,
          userId: p.userId,
        });
        await addJobs(db, [{ task: 'run_execution', payload: { executionId: row.id } }]);
        return row;
      });
    },

    /** API run with wait=true: runs now and returns the finished execution. */
    async runAndWait(p: Principal, scriptId: string, rawInput: unknown): Promise<ExecutionRow> {
      requirePermission(p, 'scripts.execute');
      const s = await scriptFor(p, scriptId);
      if (!canRunManually(s.status))
        throw new AppError('INVALID_TRANSITION', 'Archived scripts cannot run');
      const result = await runNow(targetOf(s), {
        input: checkInput(rawInput),
        userId: p.userId,
        triggerType: 'api',
      });
      return (await findExecution(deps.pool, p.tenantId, result.id))!;
    },

    /** Embedded invoke (SPEC §5): active embedded scripts, by id or name, synchronously. */
    async invoke(p: Principal, idOrName: string, rawInput: unknown): Promise<ExecutionResult> {
      requirePermission(p, 'scripts.execute');
      const known = await deps.scripts.invocable(p.tenantId, idOrName);
      const target = known && (await deps.targets.load(known.id, known.version));
      if (target) {
        return runNow(target, {
          input: checkInput(rawInput),
          userId: p.userId,
          triggerType: 'api',
        });
      }
      // Not among the cached runnable scripts: the database says why, or finds one just made.
      const s = isUuid(idOrName)
        ? await findScript(deps.pool, p.tenantId, idOrName)
        : await findScriptByName(deps.pool, p.tenantId, idOrName);
      if (!s) throw scriptNotFound();
      if (s.type !== 'embedded')
        throw new AppError('BAD_REQUEST', `Script "${s.name}" is not an embedded script`);
      if (!firesAutomatically(s.status))
        throw new AppError('INVALID_TRANSITION', `Script "${s.name}" is ${s.status}, not active`);
      return runNow(targetOf(s), {
        input: checkInput(rawInput),
        userId: p.userId,
        triggerType: 'api',
      });
    },

    async get(p: Principal, id: string): Promise<ExecutionRow> {
      requirePermission(p, 'scripts.read');
      const e = await findExecution(deps.pool, p.tenantId, id);
      if (!e) throw notFound('Execution');
      return e;
    },

    async list(
      p: Principal,
      scriptId: string,
      page: { page: number; limit: number; status?: ExecutionStatus | undefined },
    ): Promise<ExecutionRow[]> {
      requirePermission(p, 'scripts.read');
      await scriptFor(p, scriptId);
      return listScriptExecutions(deps.pool, p.tenantId, scriptId, {
        limit: page.limit,
        offset: (page.page - 1) * page.limit,
        status: page.status,
      });
    },

    async cancel(p: Principal, id: string): Promise<ExecutionRow> {
      requirePermission(p, 'scripts.execute');
      const { cancelled, row } = await cancelExecution(deps.pool, p.tenantId, id);
      if (!row) throw notFound('Execution');
      if (!cancelled)
        throw new AppError('INVALID_TRANSITION', `Execution is already ${row.status}`);
      await deps.broadcastCancel(id);
      return row;
    },

    /** Runs a finished execution's script again with the same input (queued, as manual). */
    async retry(p: Principal, id: string): Promise<ExecutionRow> {
      const e = await this.get(p, id);
      return this.enqueue(p, e.scriptId, e.input, 'manual');
    },
  };
}

export type ExecutionService = ReturnType<typeof createExecutionService>;
