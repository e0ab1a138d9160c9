// Delivery: one stored event fans out to every active script of its tenant subscribed to its
// type, as pending executions with their jobs. The event is marked dispatched in the same
// transaction, so a delivery job that runs twice fans out once.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { addJobs } from '../../dispatch/queue.js';
import { withTransaction } from '../../store/queryable.js';
import { insertPendingExecution } from '../../store/executions.js';
import type { StoredEvent } from '../../store/events.js';

export function eventTrigger(e: StoredEvent) {
  return {
    trigger: {
      type: 'event' as const,
      eventType: e.type,
      eventPayload: e.payload,
      httpRequest: null,
      cronExpression: null,
    },
    triggerData: {
      eventId: e.id,
      eventType: e.type,
      payload: e.payload,
      chainDepth: e.chainDepth,
      source: e.source,
      sourceScriptId: e.sourceScriptId,
      timestamp: e.createdAt,
    },
  };
}

/** Returns how many executions were queued (0 when the event was delivered before). */
export async function deliverEvent(pool: pg.Pool, eventId: string): Promise<number> {
  return withTransaction(pool, async (db) => {
    const claimed = await db.query<StoredEvent>(
      `UPDATE events SET dispatched_at = now() WHERE id = $1 AND dispatched_at IS NULL
       RETURNING id, tenant_id AS "tenantId", type, payload, source, source_script_id AS "sourceScriptId",
                 source_execution_id AS "sourceExecutionId", chain_depth AS "chainDepth", created_at AS "createdAt"`,
      [eventId],
    );
    const event = claimed.rows[0];
    if (!event) return 0;
    const subscribers = await db.query<{ id: string; version: number }>(
      `SELECT s.id, s.version FROM script_event_subscriptions sub JOIN scripts s ON s.id = sub.script_id
        WHERE sub.tenant_id = $1 AND sub.event_type = $2 AND s.status = 'active'`,
      [event.tenantId, event.type],
    );
    const { triggerData } = eventTrigger(event);
    const jobs = [];
    for (const s of subscribers.rows) {
      const id = randomUUID();
      await insertPendingExecution(db, {
        id,
        tenantId: event.tenantId,
        scriptId: s.id,
        scriptVersion: s.version,
        triggerType: 'event',
        triggerData,
        input: event.payload ?? {},
        userId: null,
      });
      jobs.push({ task: 'run_execution' as const, payload: { executionId: id } });
    }
    await addJobs(db, jobs);
    return jobs.length;
  });
}
