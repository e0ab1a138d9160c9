// The durable event outbox: host, script and service events, stored before publish returns.
import type { Queryable } from './queryable.js';

export interface StoredEvent {
  readonly id: string;
  readonly tenantId: string;
  readonly type: string;
  readonly payload: unknown;
  readonly source: string;
  readonly sourceScriptId: string | null;
  readonly sourceExecutionId: string | null;
  readonly chainDepth: number;
  readonly createdAt: Date;
}

export interface NewEvent {
  readonly tenantId: string;
  readonly type: string;
  readonly payload: unknown;
  /** 'host' | 'script' | 'service' */
  readonly source: string;
  readonly sourceScriptId?: string | null;
  readonly sourceExecutionId?: string | null;
  readonly chainDepth?: number;
}

const COLUMNS = `id, tenant_id AS "tenantId", type, payload, source, source_script_id AS "sourceScriptId",
  source_execution_id AS "sourceExecutionId", chain_depth AS "chainDepth", created_at AS "createdAt"`;

export async function insertEvent(db: Queryable, e: NewEvent): Promise<StoredEvent> {
  const r = await db.query<StoredEvent>(
    `INSERT INTO events (tenant_id, type, payload, source, source_script_id, source_execution_id, chain_depth)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      e.tenantId,
      e.type,
      JSON.stringify(e.payload ?? {}),
      e.source,
      e.sourceScriptId ?? null,
      e.sourceExecutionId ?? null,
      e.chainDepth ?? 0,
    ],
  );
  return r.rows[0]!;
}

export async function findEvent(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<StoredEvent | null> {
  const r = await db.query<StoredEvent>(
    `SELECT ${COLUMNS} FROM events WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}
