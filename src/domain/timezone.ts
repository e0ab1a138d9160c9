// IANA time zone names: validation, canonical spelling and wall-clock reading (used by cron).

// Names only (Region/City, UTC, Etc/GMT+5): ICU also accepts offsets such as "+01:00",
// which are not IANA zones and would silently ignore daylight saving time.
const NAME_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

let canonicalByLowerName: Map<string, string> | undefined;

function canonicalNames(): Map<string, string> {
  if (!canonicalByLowerName) {
    canonicalByLowerName = new Map();
    for (const name of [...Intl.supportedValuesOf('timeZone'), 'UTC']) {
      canonicalByLowerName.set(name.toLowerCase(), name);
    }
  }
  return canonicalByLowerName;
}

/**
 * The zone name as it should be stored, or null if it is not a time zone this runtime knows.
 * Case is fixed where the name is in ICU's list ("europe/berlin" → "Europe/Berlin"); aliases
 * ICU accepts but does not list (e.g. "Asia/Kolkata", "US/Eastern") are kept as written.
 */
export function normaliseTimeZone(value: string): string | null {
  const name = value.trim();
  if (name.length === 0 || name.length > 64 || !NAME_SHAPE.test(name)) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return null;
  }
  return canonicalNames().get(name.toLowerCase()) ?? name;
}

export function isValidTimeZone(value: unknown): value is string {
  return typeof value === 'string' && normaliseTimeZone(value) !== null;
}

export interface WallClock {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date and time shown by a clock in `timeZone` at `instant`. */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields['year'] ?? NaN,
    month: fields['month'] ?? NaN,
    day: fields['day'] ?? NaN,
    hour: fields['hour'] ?? NaN,
    minute: fields['minute'] ?? NaN,
    second: fields['second'] ?? NaN,
  };
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (east positive; whole seconds). */
export function utcOffsetMs(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const wholeSecond = Math.floor(instant.getTime() / 1000) * 1000;
  return asUtc - wholeSecond;
}
