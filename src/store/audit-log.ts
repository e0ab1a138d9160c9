// Append-only audit log: who changed what, with before/after.
import type { Queryable } from './queryable.js';

export interface Actor {
  readonly userId: number | null;
  readonly tokenId: string | null;
  /** Human-readable: the user's email or "token <name>". */
  readonly label: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly actorLabel: string;
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly createdAt: Date;
}

export async function appendAudit(
  db: Queryable,
  e: {
    tenantId: string;
    actor: Actor;
    action: string;
    entityType: string;
    entityId: string;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_token_id, actor_label, action,
       entity_type, entity_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      e.tenantId,
      e.actor.userId,
      e.actor.tokenId,
      e.actor.label,
      e.action,
      e.entityType,
      e.entityId,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
    ],
  );
}

export async function listAudit(
  db: Queryable,
  tenantId: string,
  opts: { limit: number; offset: number; entityId?: string },
): Promise<AuditEntry[]> {
  const r = await db.query<AuditEntry>(
    `SELECT id, actor_label AS "actorLabel", action, entity_type AS "entityType",
            entity_id AS "entityId", before, after, created_at AS "createdAt"
       FROM audit_log
      WHERE tenant_id = $1 AND ($2::text IS NULL OR entity_id = $2)
      ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [tenantId, opts.entityId ?? null, opts.limit, opts.offset],
  );
  return r.rows;
}
