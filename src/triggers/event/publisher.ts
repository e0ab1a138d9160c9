// Publishing: an event is stored in the outbox and its delivery job added in the same
// transaction, so an acknowledged publish is never lost. The service's own jsruntime.execution.*
// events are stored only when some active script of the tenant subscribes to them (they would
// otherwise double the writes of every execution for nobody).
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { addJobs } from '../../dispatch/queue.js';
import type { Logger } from '../../lib/logger.js';
import { insertEvent, type NewEvent, type StoredEvent } from '../../store/events.js';
import { withTransaction, type Queryable } from '../../store/queryable.js';

/** How long "does anyone subscribe to X in tenant T" answers are reused. */
const SUBSCRIBER_CACHE_MS = 2000;

export function createEventPublisher(deps: { pool: pg.Pool; logger: Logger }) {
  const subscribed = new LRUCache<string, boolean>({ max: 10_000, ttl: SUBSCRIBER_CACHE_MS });

  async function hasSubscribers(tenantId: string, type: string): Promise<boolean> {
    const key = `${tenantId}:${type}`;
    const hit = subscribed.get(key);
    if (hit !== undefined) return hit;
    const r = await deps.pool.query(
      `SELECT 1 FROM script_event_subscriptions sub JOIN scripts s ON s.id = sub.script_id
        WHERE sub.tenant_id = $1 AND sub.event_type = $2 AND s.status = 'active' LIMIT 1`,
      [tenantId, type],
    );
    const yes = (r.rowCount ?? 0) > 0;
    subscribed.set(key, yes);
    return yes;
  }

  /** Stores the event and queues its delivery inside the caller's transaction. */
  async function publishIn(db: Queryable, event: NewEvent): Promise<StoredEvent> {
    const stored = await insertEvent(db, event);
    await addJobs(db, [
      {
        task: 'deliver_event',
        payload: { eventId: stored.id, tenantId: stored.tenantId },
        maxAttempts: 25,
      },
    ]);
    return stored;
  }

  return {
    publishIn,
    /** Stores and queues in a transaction of its own. */
    publish(event: NewEvent): Promise<StoredEvent> {
      return withTransaction(deps.pool, (db) => publishIn(db, event));
    },
    /** Service events about executions: stored only when subscribed; never throws. */
    async emit(tenantId: string, type: string, payload: Record<string, unknown>): Promise<void> {
      try {
        if (!(await hasSubscribers(tenantId, type))) return;
        await withTransaction(deps.pool, (db) =>
          publishIn(db, { tenantId, type, payload, source: 'service' }),
        );
      } catch (err) {
        deps.logger.warn({ err, type }, 'could not publish service event');
      }
    },
  };
}

export type EventPublisher = ReturnType<typeof createEventPublisher>;
