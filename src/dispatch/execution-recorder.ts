// Writes execution states with group commit: while one batch is being written the next one
// collects, so a quiet system writes each record at once and a busy one writes hundreds per
// statement. Each write resolves when its row is committed and visible to every session.
//
// Batches go through one connection of the pool kept for the recorder, with
// synchronous_commit = off: a commit returns without waiting for the WAL to reach the disk
// (~0.5 ms of fsync per batch on this machine's PostgreSQL). The rows are visible at once; what
// a *database server* crash could lose is the last few hundred milliseconds of records (the WAL
// writer flushes every wal_writer_delay, 200 ms by default) — never a half-written row, and
// nothing when only this service crashes. Queue rows (pending executions, claims) are not
// written here and keep the server's own setting.
import type pg from 'pg';
import type { ExecutionStatus } from '../store/executions.js';

export interface ExecutionWrite {
  readonly id: string;
  readonly tenantId: string;
  readonly scriptId: string;
  readonly scriptVersion: number;
  readonly status: ExecutionStatus;
  readonly triggerType: string;
  readonly triggerData: unknown;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: unknown;
  readonly logs?: readonly unknown[];
  readonly logsDropped?: number;
  readonly metrics?: unknown;
  readonly attempt: number;
  readonly userId: number | null;
  readonly nodeId: string;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

const MAX_BATCH = 200;
const COLS = 18;

interface Pending {
  write: ExecutionWrite;
  waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>;
}

function json(v: unknown): string | null {
  return v === undefined ? null : JSON.stringify(v);
}

export interface ExecutionRecorder {
  write(w: ExecutionWrite): Promise<void>;
  /**
   * Resolves when everything written so far is committed, and hands the recorder's connection
   * back (closed); a later write opens a new one.
   */
  drain(): Promise<void>;
}

export function createExecutionRecorder(pool: pg.Pool): ExecutionRecorder {
  let queue = new Map<string, Pending>();
  let flushing: Promise<void> | null = null;
  let connection: Promise<pg.PoolClient> | null = null;

  /** The recorder's own connection (batches are written one at a time, so one is enough). */
  function client(): Promise<pg.PoolClient> {
    connection ??= (async () => {
      const c = await pool.connect();
      try {
        await c.query('SET synchronous_commit = off');
      } catch (err) {
        c.release(true);
        throw err;
      }
      // An idle connection that fails (server restart) is dropped; the next batch reconnects.
      c.on('error', () => closeConnection(true));
      return c;
    })();
    const current = connection;
    current.catch(() => {
      if (connection === current) connection = null;
    });
    return current;
  }

  /** Never returned to the pool for reuse: it carries the session setting. */
  function closeConnection(failed: boolean): void {
    const current = connection;
    connection = null;
    void current?.then(
      (c) => c.release(failed ? new Error('execution recorder connection failed') : true),
      () => {},
    );
  }

  async function flushBatch(batch: Pending[]): Promise<void> {
    const values: unknown[] = [];
    const rows: string[] = [];
    batch.forEach((p, i) => {
      const w = p.write;
      const o = i * COLS;
      rows.push(`(${Array.from({ length: COLS }, (_, k) => `$${o + k + 1}`).join(', ')})`);
      values.push(
        w.id,
        w.tenantId,
        w.scriptId,
        w.scriptVersion,
        w.status,
        w.triggerType,
        json(w.triggerData ?? {}),
        json(w.input ?? {}),
        json(w.output),
        json(w.error),
        json(w.logs ?? []),
        w.logsDropped ?? 0,
        json(w.metrics),
        w.attempt,
        w.userId,
        w.nodeId,
        w.startedAt,
        w.completedAt,
      );
    });
    const c = await client();
    // A final state is never overwritten: a late "running" write or a write after a cancel loses.
    await c
      .query(
        `INSERT INTO script_executions AS e (id, tenant_id, script_id, script_version, status, trigger_type,
         trigger_data, input, output, error, logs, logs_dropped, metrics, attempt, user_id, node_id,
         started_at, completed_at)
       VALUES ${rows.join(', ')}
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, output = EXCLUDED.output,
         error = EXCLUDED.error, logs = EXCLUDED.logs, logs_dropped = EXCLUDED.logs_dropped,
         metrics = EXCLUDED.metrics, node_id = EXCLUDED.node_id,
         started_at = coalesce(e.started_at, EXCLUDED.started_at), completed_at = EXCLUDED.completed_at
       WHERE e.status IN ('pending', 'running')`,
        values,
      )
      .catch((err: unknown) => {
        closeConnection(true);
        throw err;
      });
  }

  function pump(): void {
    if (flushing || queue.size === 0) return;
    const all = [...queue.values()];
    const batch = all.slice(0, MAX_BATCH);
    queue = new Map(all.slice(MAX_BATCH).map((p) => [p.write.id, p]));
    flushing = flushBatch(batch).then(
      () => batch.forEach((p) => p.waiters.forEach((w) => w.resolve())),
      (err: unknown) => batch.forEach((p) => p.waiters.forEach((w) => w.reject(err))),
    );
    void flushing.finally(() => {
      flushing = null;
      pump();
    });
  }

  return {
    write(w) {
      return new Promise<void>((resolve, reject) => {
        const existing = queue.get(w.id);
        // Two states of one execution in one batch: keep the later, wake both writers.
        if (existing) {
          existing.write = w;
          existing.waiters.push({ resolve, reject });
        } else {
          queue.set(w.id, { write: w, waiters: [{ resolve, reject }] });
        }
        pump();
      });
    },
    async drain() {
      while (flushing || queue.size > 0) {
        pump();
        await flushing?.catch(() => {});
      }
      closeConnection(false);
    },
  };
}
