// Cron expressions (SPEC §5): parsing of standard 5-field expressions and macros, next run in an
// IANA time zone with SPEC's DST rules, and a short description for the UI. Built on croner.
//
// Accepted: `minute hour day-of-month month day-of-week` with numbers, `*`, ranges `a-b`, steps
// `*/n` and `a-b/n`, lists `a,b`, month names JAN-DEC and day names SUN-SAT (day 7 = Sunday too),
// and the macros @yearly @annually @monthly @weekly @daily @midnight @hourly. When both day fields
// are restricted a day matches either of them (classic Vixie cron OR rule, croner's default).
// Refused: 6/7-field forms (seconds, years), croner's extensions (L, W, #, ?, +), numeric-prefix
// steps (`5/10`), @reboot, and expressions that never match a real date (e.g. `0 0 30 2 *`).
//
// DST (SPEC §5): a local time that does not exist (spring-forward gap) is skipped — no run at a
// shifted time — and a local time that occurs twice (fall back) runs once, at its first
// occurrence. croner by default moves fixed-time jobs (`30 2 * * *`) to the end of a gap and runs
// interval jobs (`*/15 * * * *`) on both occurrences of a repeated hour; `nextRun` filters out
// both of those candidates.
import { Cron } from 'croner';
import { normaliseTimeZone, utcOffsetMs, wallClock } from './timezone.js';

export const CRON_ERROR_MESSAGE = 'Invalid cron expression. Format: minute hour day month weekday';

/** Macro → equivalent 5-field expression. */
export const CRON_MACROS: Readonly<Record<string, string>> = Object.freeze({
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
});

export type CronParseResult =
  | {
      readonly ok: true;
      /** Normalised text to store: single spaces, upper-case names, lower-case macros. */
      readonly expression: string;
      /** The 5 fields the expression stands for (a macro's expansion). */
      readonly fields: string;
    }
  | {
      readonly ok: false;
      /** The user-facing message of SPEC §2.1. */
      readonly message: string;
      /** What exactly is wrong, for logs and API details. */
      readonly reason: string;
    };

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const NUMERIC_FIELD = /^[0-9*,/-]+$/;
const NAMED_FIELD = /^[0-9A-Z*,/-]+$/;
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
// A reference for the "can it ever run" check; 2000 is a leap year so Feb 29 passes.
const NEVER_RUNS_PROBE = new Date(Date.UTC(2000, 0, 1));

function fail(reason: string): CronParseResult {
  return { ok: false, message: CRON_ERROR_MESSAGE, reason };
}

function checkField(index: number, text: string): string | null {
  const label = FIELD_NAMES[index] ?? 'field';
  const names = index === 3 ? MONTH_NAMES : index === 4 ? DAY_NAMES : null;
  if (!(names ? NAMED_FIELD : NUMERIC_FIELD).test(text)) {
    return `${label} "${text}" contains characters other than digits${names ? ', names' : ''}, * , - /`;
  }
  for (const word of text.match(/[A-Z]+/g) ?? []) {
    if (!names?.includes(word)) return `${label} "${text}": unknown name ${word}`;
  }
  return null;
}

function createCron(fields: string, timezone?: string): Cron {
  return new Cron(fields, { mode: '5-part', ...(timezone ? { timezone } : {}) });
}

export function parseCron(expr: unknown): CronParseResult {
  if (typeof expr !== 'string') return fail('not a string');
  const text = expr.trim().replace(/\s+/g, ' ');
  if (text === '') return fail('empty');

  let expression: string;
  let fields: string;
  if (text.startsWith('@')) {
    expression = text.toLowerCase();
    const expansion = CRON_MACROS[expression];
    if (!expansion) return fail(`unknown macro ${text}`);
    fields = expansion;
  } else {
    const parts = text.split(' ').map((p, i) => (i >= 3 ? p.toUpperCase() : p));
    if (parts.length !== 5) {
      return fail(`expected 5 fields (minute hour day month weekday), got ${parts.length}`);
    }
    for (const [i, part] of parts.entries()) {
      const problem = checkField(i, part);
      if (problem) return fail(problem);
    }
    expression = fields = parts.join(' ');
  }

  let cron: Cron;
  try {
    cron = createCron(fields);
  } catch (err) {
    return fail(String((err as Error).message).replace(/^CronPattern: /, ''));
  }
  if (cron.nextRun(NEVER_RUNS_PROBE) === null) return fail('never matches a real date');
  return { ok: true, expression, fields };
}

// A fall-back repeat never lasts longer than this, and no zone changes offset twice within it.
const REPEAT_LOOKBACK_MS = 6 * 60 * 60 * 1000;

/** True if the wall-clock time at `instant` was already shown earlier (second pass of a fall back). */
function isRepeatedWallTime(instant: Date, timeZone: string): boolean {
  const lookback = new Date(instant.getTime() - REPEAT_LOOKBACK_MS);
  const shift = utcOffsetMs(lookback, timeZone) - utcOffsetMs(instant, timeZone);
  if (shift <= 0) return false;
  const now = wallClock(instant, timeZone);
  const before = wallClock(new Date(instant.getTime() - shift), timeZone);
  return (
    now.year === before.year &&
    now.month === before.month &&
    now.day === before.day &&
    now.hour === before.hour &&
    now.minute === before.minute
  );
}

// Every-minute jobs skip up to 60 candidates per repeated hour (120 for the rare 2-hour shifts).
const MAX_SKIPPED_CANDIDATES = 1000;

function resolve(expr: string, timeZone: string): { cron: Cron; timeZone: string } {
  const parsed = parseCron(expr);
  if (!parsed.ok) throw new TypeError(`invalid cron expression "${expr}": ${parsed.reason}`);
  const tz = normaliseTimeZone(timeZone);
  if (!tz) throw new TypeError(`invalid time zone "${timeZone}"`);
  return { cron: createCron(parsed.fields, tz), timeZone: tz };
}

function nextFrom(cron: Cron, timeZone: string, after: Date): Date | null {
  let cursor = after;
  for (let i = 0; i < MAX_SKIPPED_CANDIDATES; i++) {
    const candidate = cron.nextRun(cursor);
    if (!candidate) return null;
    // A candidate whose local time does not match the pattern is croner's shift out of a DST gap.
    const shiftedOutOfGap = !cron.match(candidate);
    if (!shiftedOutOfGap && !isRepeatedWallTime(candidate, timeZone)) return candidate;
    cursor = candidate;
  }
  throw new Error(`cron: more than ${MAX_SKIPPED_CANDIDATES} DST skips in a row`);
}

/**
 * The first run strictly after `after` (whole minutes), in `timeZone`, or null if none.
 * Throws TypeError for an expression or zone that failed validation: callers store only valid ones.
 */
export function nextRun(expr: string, timeZone: string, after: Date): Date | null {
  const { cron, timeZone: tz } = resolve(expr, timeZone);
  return nextFrom(cron, tz, after);
}

/** The next `count` runs after `after` (for "next runs" in the UI). */
export function nextRuns(expr: string, timeZone: string, after: Date, count: number): Date[] {
  const { cron, timeZone: tz } = resolve(expr, timeZone);
  const out: Date[] = [];
  let cursor: Date | null = after;
  while (out.length < count && cursor) {
    cursor = nextFrom(cron, tz, cursor);
    if (cursor) out.push(cursor);
  }
  return out;
}

const pad2 = (n: string): string => n.padStart(2, '0');
const isNumber = (s: string): boolean => /^\d+$/.test(s);
const DAY_LABELS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_LABELS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function dayLabel(dow: string): string | null {
  const named = DAY_NAMES.indexOf(dow);
  const n = named >= 0 ? named : isNumber(dow) ? Number(dow) % 7 : -1;
  return DAY_LABELS[n] ?? null;
}

function monthLabel(month: string): string | null {
  const named = MONTH_NAMES.indexOf(month);
  const n = named >= 0 ? named : isNumber(month) ? Number(month) - 1 : -1;
  return MONTH_LABELS[n] ?? null;
}

/**
 * Short English text for common shapes ("every minute", "daily at 02:00", "every Monday at
 * 09:30"); anything more involved is returned as the expression itself.
 */
export function describeCron(expr: string): string {
  const parsed = parseCron(expr);
  if (!parsed.ok) return expr;
  const [min = '', hour = '', dom = '', month = '', dow = ''] = parsed.fields.split(' ');
  const step = /^\*\/(\d+)$/;
  const everyDay = dom === '*' && month === '*' && dow === '*';
  if (min === '*' && hour === '*' && everyDay) return 'every minute';
  const minStep = step.exec(min);
  if (minStep && hour === '*' && everyDay) return `every ${minStep[1]} minutes`;
  if (!isNumber(min)) return parsed.expression;
  if (hour === '*' && everyDay) return min === '0' ? 'every hour' : `every hour at minute ${min}`;
  const hourStep = step.exec(hour);
  if (hourStep && everyDay) return `every ${hourStep[1]} hours at minute ${min}`;
  if (!isNumber(hour)) return parsed.expression;
  const at = `${pad2(hour)}:${pad2(min)}`;
  if (everyDay) return `daily at ${at}`;
  if (dom === '*' && month === '*') {
    if (dow === '1-5' || dow === 'MON-FRI') return `weekdays at ${at}`;
    const day = dayLabel(dow);
    if (day) return `every ${day} at ${at}`;
  }
  if (isNumber(dom) && dow === '*') {
    if (month === '*') return `monthly on day ${dom} at ${at}`;
    const monthName = monthLabel(month);
    if (monthName) return `yearly on ${monthName} ${dom} at ${at}`;
  }
  return parsed.expression;
}
