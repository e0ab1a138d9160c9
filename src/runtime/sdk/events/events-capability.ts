// events.publish(type, payload): validated, enriched and stored durably before it resolves.
// Events published by an event-triggered run carry the chain depth + 1; past MAX_CHAIN_DEPTH the
// publish is refused so scripts cannot trigger each other forever.
import { isValidEventType } from '../../../domain/event-type.js';
import type { NewEvent, StoredEvent } from '../../../store/events.js';
import { SdkError } from '../sdk-error.js';
import type { Capability, SdkCallContext } from '../types.js';

export const MAX_CHAIN_DEPTH = 8;
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export function createEventsCapability(deps: {
  publish: (e: NewEvent) => Promise<StoredEvent>;
}): Capability {
  return {
    name: 'events',
    perMinuteLimit: 30,
    async call(ctx: SdkCallContext, method: string, args: unknown[]) {
      if (method !== 'publish')
        throw new SdkError('SDK_ERROR', `events.${method} is not a function`);
      const [type, payload] = args;
      if (typeof type !== 'string' || !isValidEventType(type)) {
        throw new SdkError(
          'INVALID_EVENT_TYPE',
          'Invalid event type - use module.entity.action with lowercase parts, e.g. sales.order.paid',
        );
      }
      if (type.startsWith('jsruntime.')) {
        throw new SdkError(
          'INVALID_EVENT_TYPE',
          'Invalid event type - jsruntime.* events are published by the service only',
        );
      }
      const depth = ctx.chainDepth + 1;
      if (depth > MAX_CHAIN_DEPTH) {
        throw new SdkError(
          'EVENT_LOOP',
          `Event chain too deep - more than ${MAX_CHAIN_DEPTH} events triggered each other`,
        );
      }
      const text = JSON.stringify(payload ?? {});
      if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
        throw new SdkError('INVALID_ARGUMENT', 'Event payload too large - at most 256 KB of JSON');
      }
      await deps.publish({
        tenantId: ctx.tenantId,
        type,
        payload: JSON.parse(text) as unknown,
        source: 'script',
        sourceScriptId: ctx.scriptId,
        sourceExecutionId: ctx.executionId,
        chainDepth: depth,
      });
      return true;
    },
  };
}
