// Event type names: `module.entity.action`, three lowercase dot-separated parts (SPEC §4).

const PART = '[a-z][a-z0-9_]*';
/** Exactly three parts; the service's own `jsruntime.script.created` etc. fit too. */
export const EVENT_TYPE_PATTERN = new RegExp(`^${PART}\\.${PART}\\.${PART}$`);
/** Keeps names indexable and log lines short; far above any real name. */
export const EVENT_TYPE_MAX_LENGTH = 255;

export function isValidEventType(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= EVENT_TYPE_MAX_LENGTH &&
    EVENT_TYPE_PATTERN.test(value)
  );
}

/** Subscriptions match by exact type: no wildcards, so routing is an indexed equality lookup. */
export function matchesEventType(subscribed: string, published: string): boolean {
  return subscribed === published;
}
