// sdk.db on the host: gated SQL run as the restricted role under the tenant's row-level security,
// one short transaction per call or an explicit transaction held for the execution.
import type pg from 'pg';
import type { Capability, SdkCallContext } from '../types.js';
import { SdkError } from '../sdk-error.js';
import { createSqlGate, type SqlGate } from './sql-gate.js';
import { MAX_PARAMS, toPgParams } from './params.js';
import { toSdkError } from './pg-errors.js';
import { connectionLost, runStatement, type StatementResult } from './run-statement.js';
import { beginTenantTransaction } from './tenant-session.js';
import { createTransactionRegistry, type OpenTransaction } from './transactions.js';

export interface DbCapabilityOptions {
  /** Pool of the service's database user (it must be able to SET ROLE jsruntime_script). */
  readonly pool: pg.Pool;
  /** Per statement; never longer than what is left of the execution. */
  readonly statementTimeoutMs?: number;
  readonly maxRows?: number;
  /** Bytes a single result may bring over the connection (the connection is cut beyond). */
  readonly maxResultBytes?: number;
  readonly maxParams?: number;
  /** Transactions one execution may hold open at once (each holds a pooled connection). */
  readonly maxTransactionsPerExecution?: number;
  readonly gate?: SqlGate;
  /** Failures while cleaning up with no caller left to tell (deadline rollbacks). */
  readonly onBackgroundError?: (err: unknown) => void;
}

export interface DbCapability extends Capability {
  readonly name: 'db';
  release(ctx: SdkCallContext): Promise<void>;
  /** Open script transactions right now (for metrics and tests). */
  readonly openTransactions: number;
}

/** How long a released execution's id is remembered (calls racing the release are refused). */
const ENDED_MEMORY_MS = 120_000;

const invalid = (what: string): SdkError =>
  new SdkError('INVALID_ARGUMENT', `Invalid argument - ${what}`);

interface StatementArgs {
  readonly sql: string;
  readonly params: unknown;
  readonly txId: string | null;
}

function statementArgs(args: unknown[]): StatementArgs {
  const [sql, params, txId] = args;
  if (typeof sql !== 'string') throw invalid('sql must be a string');
  if (txId !== undefined && txId !== null && typeof txId !== 'string') {
    throw invalid('transaction id must be a string');
  }
  return { sql, params, txId: txId ?? null };
}

export function createDbCapability(options: DbCapabilityOptions): DbCapability {
  const {
    pool,
    statementTimeoutMs = 5000,
    maxRows = 1000,
    maxResultBytes = 32 * 1024 * 1024,
    maxParams = MAX_PARAMS,
    maxTransactionsPerExecution = 1,
    gate = createSqlGate(),
    onBackgroundError = () => {},
  } = options;
  const limits = { maxRows, maxResultBytes };
  const transactions = createTransactionRegistry();
  /** begin() calls still connecting, per execution (they count toward the limit). */
  const pendingBegins = new Map<string, number>();
  /**
   * Executions already released → when to forget them. Insertion order is expiry order, so
   * pruning stops at the first live entry. Calls racing a release arrive within that window;
   * anything later still meets the deadline timer of its transaction.
   */
  const ended = new Map<string, number>();

  function hasEnded(executionId: string): boolean {
    const now = Date.now();
    for (const [id, until] of ended) {
      if (until >= now) break;
      ended.delete(id);
    }
    return ended.has(executionId);
  }

  /** The statement timeout for a call now: the configured one, cut to the execution's deadline. */
  const timeoutFor = (ctx: SdkCallContext): number =>
    Math.max(1, Math.min(statementTimeoutMs, Math.floor(ctx.deadline - Date.now())));

  function mapError(err: unknown, timeoutMs: number): unknown {
    return toSdkError(err, timeoutMs) ?? err;
  }

  /** Ends a transaction with COMMIT or ROLLBACK and gives its connection back. */
  async function end(tx: OpenTransaction, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    let broken: Error | undefined;
    try {
      const result = await tx.client.query(command);
      // COMMIT of a transaction in which a statement failed reports ROLLBACK instead of failing.
      if (command === 'COMMIT' && result.command === 'ROLLBACK') {
        throw new SdkError(
          'SQL_ERROR',
          'SQL error - transaction rolled back because a statement in it failed',
        );
      }
    } catch (err) {
      const mapped = mapError(err, tx.statementTimeoutMs);
      if (!(mapped instanceof SdkError))
        broken = err instanceof Error ? err : new Error(String(err));
      throw mapped;
    } finally {
      tx.client.release(broken);
    }
  }

  async function statement(ctx: SdkCallContext, args: unknown[]): Promise<StatementResult> {
    const { sql, params, txId } = statementArgs(args);
    const verdict = gate.check(sql);
    if (!verdict.ok) throw new SdkError(verdict.code, verdict.message);
    const values = toPgParams(params, maxParams);

    if (txId !== null) {
      const tx = transactions.get(ctx.executionId, txId);
      if (!tx) throw invalid('unknown or finished transaction');
      try {
        return await runStatement(tx.client, sql, values, limits);
      } catch (err) {
        // A lost connection ends the transaction: dispose of the client now.
        if (connectionLost(tx.client) && transactions.take(ctx.executionId, txId)) {
          tx.client.release(err instanceof Error ? err : new Error(String(err)));
        }
        throw mapError(err, tx.statementTimeoutMs);
      }
    }

    const timeoutMs = timeoutFor(ctx);
    const client = await pool.connect();
    // Connecting can wait for a free connection: the execution may have ended meanwhile.
    if (hasEnded(ctx.executionId) || ctx.ended?.aborted === true) {
      client.release();
      throw invalid('the execution has ended');
    }
    const onClientError = (): void => {}; // reported to the pending query instead
    client.on('error', onClientError);
    let broken: Error | undefined;
    let started = false;
    try {
      await beginTenantTransaction(client, {
        tenantId: ctx.tenantId,
        statementTimeoutMs: timeoutMs,
      });
      started = true;
      const result = await runStatement(client, sql, values, limits);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      if (connectionLost(client)) broken = err instanceof Error ? err : new Error(String(err));
      else {
        await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        });
      }
      // A failing set-up (role missing, grants wrong) is the service's fault, not the script's.
      throw started ? mapError(err, timeoutMs) : err;
    } finally {
      client.off('error', onClientError);
      client.release(broken);
    }
  }

  async function begin(ctx: SdkCallContext): Promise<string> {
    const { executionId } = ctx;
    const pending = pendingBegins.get(executionId) ?? 0;
    if (transactions.countFor(executionId) + pending >= maxTransactionsPerExecution) {
      const plural = maxTransactionsPerExecution === 1 ? '' : 's';
      throw invalid(
        `at most ${maxTransactionsPerExecution} open transaction${plural} per execution`,
      );
    }
    // Hold the slot while connecting, so concurrent begin() calls cannot both pass the check.
    pendingBegins.set(executionId, pending + 1);
    let tx: OpenTransaction;
    try {
      const timeoutMs = timeoutFor(ctx);
      const client = await pool.connect();
      try {
        await beginTenantTransaction(client, {
          tenantId: ctx.tenantId,
          statementTimeoutMs: timeoutMs,
        });
      } catch (err) {
        // Set-up failures are the service's fault: not mapped to a script error.
        client.release(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
      tx = transactions.add(
        { executionId, client, statementTimeoutMs: timeoutMs },
        ctx.deadline,
        (expired) => end(expired, 'ROLLBACK').catch(onBackgroundError),
      );
    } finally {
      const left = (pendingBegins.get(executionId) ?? 1) - 1;
      if (left > 0) pendingBegins.set(executionId, left);
      else pendingBegins.delete(executionId);
    }
    // release() may have run while we were connecting: do not leave this one behind.
    if (hasEnded(executionId)) {
      const taken = transactions.take(executionId, tx.id);
      if (taken) await end(taken, 'ROLLBACK');
      throw invalid('the execution has ended');
    }
    return tx.id;
  }

  async function finish(
    ctx: SdkCallContext,
    txId: unknown,
    command: 'COMMIT' | 'ROLLBACK',
  ): Promise<true> {
    if (typeof txId !== 'string') throw invalid('transaction id must be a string');
    const tx = transactions.take(ctx.executionId, txId);
    if (!tx) throw invalid('unknown or finished transaction');
    await end(tx, command);
    return true;
  }

  return {
    name: 'db',
    perMinuteLimit: 60,
    get openTransactions() {
      return transactions.size;
    },

    async call(ctx, method, args) {
      await gate.ready();
      if (hasEnded(ctx.executionId)) throw invalid('the execution has ended');
      switch (method) {
        case 'query':
          return (await statement(ctx, args)).rows;
        case 'queryOne':
          return (await statement(ctx, args)).rows[0] ?? null;
        case 'execute':
          return (await statement(ctx, args)).rowCount;
        case 'begin':
          return begin(ctx);
        case 'commit':
          return finish(ctx, args[0], 'COMMIT');
        case 'rollback':
          return finish(ctx, args[0], 'ROLLBACK');
        default:
          throw invalid(`unknown method db.${method}`);
      }
    },

    async release(ctx) {
      ended.delete(ctx.executionId); // re-insert at the end to keep expiry order
      ended.set(ctx.executionId, Date.now() + ENDED_MEMORY_MS);
      const open = transactions.takeAll(ctx.executionId);
      const results = await Promise.allSettled(open.map((tx) => end(tx, 'ROLLBACK')));
      for (const r of results) if (r.status === 'rejected') onBackgroundError(r.reason);
    },
  };
}
