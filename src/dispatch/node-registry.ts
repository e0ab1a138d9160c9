// Cluster membership: every node heartbeats; any worker node reaps the executions of nodes that
// stopped heartbeating (marked failed NODE_LOST, event runs retried) within a minute.
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { withTransaction } from '../store/queryable.js';
import { afterEventFailure } from '../triggers/event/retries.js';

export const HEARTBEAT_MS = 10_000;
/** A node silent this long is dead (3 missed heartbeats). */
export const DEAD_AFTER_MS = 30_000;

const NODE_LOST = {
  code: 'NODE_LOST',
  message: 'The node running this execution stopped before it finished',
};

export async function registerNode(pool: pg.Pool, nodeId: string, roles: string[]): Promise<void> {
  await pool.query(
    `INSERT INTO nodes (id, roles) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET roles = EXCLUDED.roles, started_at = now(), heartbeat_at = now(), stopped_at = NULL`,
    [nodeId, roles],
  );
}

export async function heartbeat(pool: pg.Pool, nodeId: string): Promise<void> {
  await pool.query('UPDATE nodes SET heartbeat_at = now() WHERE id = $1', [nodeId]);
}

export async function markNodeStopped(pool: pg.Pool, nodeId: string): Promise<void> {
  await pool.query('UPDATE nodes SET stopped_at = now() WHERE id = $1', [nodeId]);
}

/** Fails the running executions of dead nodes (and of this node's previous life). */
export async function reapDeadNodes(
  pool: pg.Pool,
  logger: Logger,
  deadAfterMs = DEAD_AFTER_MS,
): Promise<number> {
  return withTransaction(pool, async (db) => {
    const dead = await db.query<{ id: string }>(
      `UPDATE nodes SET stopped_at = coalesce(stopped_at, now())
        WHERE heartbeat_at < now() - make_interval(secs => $1::float / 1000) AND stopped_at IS NULL
        RETURNING id`,
      [deadAfterMs],
    );
    const lost = await db.query<{
      id: string;
      tenantId: string;
      scriptId: string;
      scriptVersion: number;
      attempt: number;
      triggerType: string;
      triggerData: Record<string, unknown>;
      input: unknown;
    }>(
      `UPDATE script_executions e SET status = 'failed', completed_at = now(), error = $1::jsonb
        FROM nodes n
       WHERE e.node_id = n.id AND e.status = 'running' AND n.stopped_at IS NOT NULL
         AND n.heartbeat_at < now() - make_interval(secs => $2::float / 1000)
       RETURNING e.id, e.tenant_id AS "tenantId", e.script_id AS "scriptId", e.script_version AS "scriptVersion",
                 e.attempt, e.trigger_type AS "triggerType", e.trigger_data AS "triggerData", e.input`,
      [JSON.stringify(NODE_LOST), deadAfterMs],
    );
    for (const run of lost.rows) {
      if (run.triggerType === 'event') await afterEventFailure(db, { ...run, error: NODE_LOST });
    }
    if (dead.rowCount || lost.rowCount) {
      logger.warn(
        { deadNodes: dead.rows.map((r) => r.id), lostExecutions: lost.rowCount },
        'reaped dead nodes',
      );
    }
    return lost.rowCount ?? 0;
  });
}
