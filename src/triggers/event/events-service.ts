// Host events and dead letters as users see them: publish (POST /api/v1/events), list,
// inspect, replay and delete dead letters.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Principal } from '../../auth/principal.js';
import { isValidEventType } from '../../domain/event-type.js';
import { can, type Permission } from '../../domain/permissions.js';
import { addJobs } from '../../dispatch/queue.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import {
  deleteDeadLetter,
  findDeadLetter,
  listDeadLetters,
  markReplayed,
  type DeadLetter,
} from '../../store/dead-letters.js';
import type { StoredEvent } from '../../store/events.js';
import { insertPendingExecution, type ExecutionRow } from '../../store/executions.js';
import { withTransaction } from '../../store/queryable.js';
import { MAX_PAYLOAD_BYTES } from '../../runtime/sdk/events/events-capability.js';
import type { EventPublisher } from './publisher.js';

function requirePermission(p: Principal, permission: Permission): void {
  if (!can(p.role, permission)) throw forbidden();
}

export function createEventsService(deps: { pool: pg.Pool; publisher: EventPublisher }) {
  return {
    /** The host application publishes an event for its tenant. */
    async publish(p: Principal, body: Record<string, unknown>): Promise<StoredEvent> {
      requirePermission(p, 'scripts.execute');
      const type = body.type;
      if (typeof type !== 'string' || !isValidEventType(type)) {
        const m = 'Event type must look like module.entity.action (lowercase letters, digits, _)';
        throw new AppError('VALIDATION_ERROR', m, { fields: { type: m } });
      }
      if (type.startsWith('jsruntime.')) {
        const m = 'jsruntime.* events are published by the service only';
        throw new AppError('VALIDATION_ERROR', m, { fields: { type: m } });
      }
      const payload = body.payload ?? {};
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        throw new AppError('VALIDATION_ERROR', 'Payload must be a JSON object', {
          fields: { payload: 'Payload must be a JSON object' },
        });
      }
      if (Buffer.byteLength(JSON.stringify(payload)) > MAX_PAYLOAD_BYTES) {
        throw new AppError('PAYLOAD_TOO_LARGE', 'Payload must not exceed 256 KB');
      }
      return deps.publisher.publish({ tenantId: p.tenantId, type, payload, source: 'host' });
    },

    async list(p: Principal, page: { page: number; limit: number }): Promise<DeadLetter[]> {
      requirePermission(p, 'scripts.read');
      return listDeadLetters(deps.pool, p.tenantId, {
        limit: page.limit,
        offset: (page.page - 1) * page.limit,
      });
    },

    async get(p: Principal, id: string): Promise<DeadLetter> {
      requirePermission(p, 'scripts.read');
      const d = await findDeadLetter(deps.pool, p.tenantId, id);
      if (!d) throw notFound('Dead letter');
      return d;
    },

    /** Runs the subscribed script again with the original event (a fresh set of retries). */
    async replay(p: Principal, id: string): Promise<ExecutionRow> {
      requirePermission(p, 'scripts.execute');
      return withTransaction(deps.pool, async (db) => {
        const d = await findDeadLetter(db, p.tenantId, id);
        if (!d) throw notFound('Dead letter');
        const s = await db.query<{ version: number }>('SELECT version FROM scripts WHERE id = $1', [
          d.scriptId,
        ]);
        const row = await insertPendingExecution(db, {
          id: randomUUID(),
          tenantId: d.tenantId,
          scriptId: d.scriptId,
          scriptVersion: s.rows[0]!.version,
          triggerType: 'event',
          triggerData: {
            eventId: d.eventId,
            eventType: d.eventType,
            payload: d.payload,
            chainDepth: d.chainDepth,
            replayOf: d.id,
          },
          input: d.payload ?? {},
          userId: p.userId,
        });
        await addJobs(db, [{ task: 'run_execution', payload: { executionId: row.id } }]);
        await markReplayed(db, d.id);
        return row;
      });
    },

    async remove(p: Principal, id: string): Promise<void> {
      requirePermission(p, 'scripts.delete');
      if (!(await deleteDeadLetter(deps.pool, p.tenantId, id))) throw notFound('Dead letter');
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
