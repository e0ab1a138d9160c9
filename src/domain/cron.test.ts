import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CRON_ERROR_MESSAGE, describeCron, nextRun, nextRuns, parseCron } from './cron.js';

const at = (iso: string): Date => new Date(iso);
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const runs = (expr: string, tz: string, after: string, n: number): string[] =>
  nextRuns(expr, tz, at(after), n).map((d) => d.toISOString());

void test('parseCron accepts standard 5-field expressions and normalises them', () => {
  const ok: [string, string][] = [
    ['* * * * *', '* * * * *'],
    ['*/5 * * * *', '*/5 * * * *'],
    ['0 9-17/2 * * 1-5', '0 9-17/2 * * 1-5'],
    ['0,15,30,45 * * * *', '0,15,30,45 * * * *'],
    ['  0   9 * jan mon ', '0 9 * JAN MON'],
    ['0 0 * * MON-FRI', '0 0 * * MON-FRI'],
    ['0 0 1 JAN,JUL *', '0 0 1 JAN,JUL *'],
    ['0 0 * * 7', '0 0 * * 7'],
    ['0 0 * * 0-7', '0 0 * * 0-7'],
    ['59 23 31 12 *', '59 23 31 12 *'],
    ['0 0 29 2 *', '0 0 29 2 *'],
    ['0 0 31 2 MON', '0 0 31 2 MON'],
  ];
  for (const [input, expression] of ok) {
    const r = parseCron(input);
    assert.equal(r.ok, true, `${input}: ${r.ok ? '' : r.reason}`);
    if (r.ok) assert.equal(r.expression, expression);
  }
});

void test('parseCron accepts the macros, case-insensitively', () => {
  const macros: [string, string][] = [
    ['@hourly', '0 * * * *'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@weekly', '0 0 * * 0'],
    ['@monthly', '0 0 1 * *'],
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
    [' @DAILY ', '0 0 * * *'],
  ];
  for (const [input, fields] of macros) {
    const r = parseCron(input);
    assert.ok(r.ok, input);
    assert.equal(r.expression, input.trim().toLowerCase());
    assert.equal(r.fields, fields);
  }
});

void test('parseCron rejects other forms with the SPEC message', () => {
  const bad = [
    '',
    '   ',
    'garbage',
    '* * * *',
    '0 * * * * *', // seconds
    '0 0 12 * * * 2030', // seconds + years
    '60 * * * *',
    '* 24 * * *',
    '0 0 0 * *',
    '0 0 32 * *',
    '0 0 * 0 *',
    '0 0 * 13 *',
    '0 0 * * 8',
    '5-1 * * * *',
    '*/0 * * * *',
    '5/10 * * * *',
    '0 0 L * *',
    '0 0 ? * *',
    '0 0 * * 5#2',
    '0 0 15W * *',
    'mon * * * *',
    '0 0 * * MONDAY',
    '0 0 * FOO *',
    '0 0 * * JAN',
    '0 0 30 2 *', // never runs
    '0 0 31 4,6,9,11 *', // never runs
    '@reboot',
    '@every 5m',
    '@',
    '-1 * * * *',
    '1.5 * * * *',
  ];
  for (const input of bad) {
    const r = parseCron(input);
    assert.equal(r.ok, false, input);
    if (!r.ok) {
      assert.equal(r.message, CRON_ERROR_MESSAGE);
      assert.ok(r.reason.length > 0);
    }
  }
  for (const v of [null, undefined, 5, ['* * * * *']]) assert.equal(parseCron(v).ok, false);
  const six = parseCron('0 * * * * *');
  assert.ok(!six.ok && /expected 5 fields/.test(six.reason));
  const never = parseCron('0 0 30 2 *');
  assert.ok(!never.ok && /never/.test(never.reason));
});

void test('every minute, strictly after the reference', () => {
  assert.equal(
    iso(nextRun('* * * * *', 'UTC', at('2025-01-01T00:00:30Z'))),
    '2025-01-01T00:01:00.000Z',
  );
  assert.equal(
    iso(nextRun('* * * * *', 'UTC', at('2025-01-01T00:01:00Z'))),
    '2025-01-01T00:02:00.000Z',
  );
  assert.equal(
    iso(nextRun('* * * * *', 'UTC', at('2025-12-31T23:59:59.999Z'))),
    '2026-01-01T00:00:00.000Z',
  );
  assert.deepEqual(runs('*/20 * * * *', 'UTC', '2025-01-01T00:05:00Z', 3), [
    '2025-01-01T00:20:00.000Z',
    '2025-01-01T00:40:00.000Z',
    '2025-01-01T01:00:00.000Z',
  ]);
});

void test('macros run when they should', () => {
  const ref = at('2025-01-15T10:20:00Z'); // a Wednesday
  assert.equal(iso(nextRun('@hourly', 'UTC', ref)), '2025-01-15T11:00:00.000Z');
  assert.equal(iso(nextRun('@daily', 'UTC', ref)), '2025-01-16T00:00:00.000Z');
  assert.equal(iso(nextRun('@midnight', 'UTC', ref)), '2025-01-16T00:00:00.000Z');
  assert.equal(iso(nextRun('@weekly', 'UTC', ref)), '2025-01-19T00:00:00.000Z');
  assert.equal(iso(nextRun('@monthly', 'UTC', ref)), '2025-02-01T00:00:00.000Z');
  assert.equal(iso(nextRun('@yearly', 'UTC', ref)), '2026-01-01T00:00:00.000Z');
  assert.equal(iso(nextRun('@annually', 'UTC', ref)), '2026-01-01T00:00:00.000Z');
  assert.equal(iso(nextRun('@daily', 'Europe/Berlin', ref)), '2025-01-15T23:00:00.000Z');
});

void test('time zones: half-hour offset and New York', () => {
  // Asia/Kolkata is UTC+05:30 all year.
  assert.equal(
    iso(nextRun('0 9 * * *', 'Asia/Kolkata', at('2025-01-01T00:00:00Z'))),
    '2025-01-01T03:30:00.000Z',
  );
  assert.deepEqual(runs('0 * * * *', 'Asia/Kolkata', '2025-01-01T00:00:00Z', 2), [
    '2025-01-01T00:30:00.000Z',
    '2025-01-01T01:30:00.000Z',
  ]);
  // Friday 10:00 EST → next weekday 09:00 is Monday 14:00Z.
  assert.equal(
    iso(nextRun('0 9 * * MON-FRI', 'America/New_York', at('2025-01-03T15:00:00Z'))),
    '2025-01-06T14:00:00.000Z',
  );
  // Summer time: 09:00 EDT = 13:00Z.
  assert.equal(
    iso(nextRun('0 9 * * *', 'America/New_York', at('2025-07-01T00:00:00Z'))),
    '2025-07-01T13:00:00.000Z',
  );
  // Zone names are normalised.
  assert.equal(
    iso(nextRun('0 9 * * *', 'europe/berlin', at('2025-07-01T00:00:00Z'))),
    '2025-07-01T07:00:00.000Z',
  );
});

void test('DST gap (Europe/Berlin, 2025-03-30 02:00 → 03:00): a missing local time is skipped', () => {
  assert.deepEqual(runs('30 2 * * *', 'Europe/Berlin', '2025-03-28T12:00:00Z', 3), [
    '2025-03-29T01:30:00.000Z', // 02:30 CET
    // 2025-03-30 02:30 does not exist: no run at 03:00 or 03:30 instead
    '2025-03-31T00:30:00.000Z', // 02:30 CEST
    '2025-04-01T00:30:00.000Z',
  ]);
  // 02:00 itself does not exist either (the clock jumps from 01:59:59 to 03:00).
  assert.deepEqual(runs('0 2 * * *', 'Europe/Berlin', '2025-03-29T12:00:00Z', 1), [
    '2025-03-31T00:00:00.000Z',
  ]);
  assert.deepEqual(runs('*/30 * * * *', 'Europe/Berlin', '2025-03-30T00:15:00Z', 3), [
    '2025-03-30T00:30:00.000Z', // 01:30 CET
    '2025-03-30T01:00:00.000Z', // 03:00 CEST (02:00 and 02:30 do not exist)
    '2025-03-30T01:30:00.000Z',
  ]);
  // A list with one missing entry keeps the others.
  assert.deepEqual(runs('30 1,2,3 * * *', 'Europe/Berlin', '2025-03-30T00:00:00Z', 2), [
    '2025-03-30T00:30:00.000Z', // 01:30 CET
    '2025-03-30T01:30:00.000Z', // 03:30 CEST
  ]);
});

void test('DST gap (America/New_York, 2025-03-09 02:00 → 03:00): a missing local time is skipped', () => {
  assert.deepEqual(runs('30 2 * * *', 'America/New_York', '2025-03-08T12:00:00Z', 2), [
    '2025-03-10T06:30:00.000Z', // 02:30 EDT; none on the 9th
    '2025-03-11T06:30:00.000Z',
  ]);
  assert.deepEqual(runs('*/15 2 * * *', 'America/New_York', '2025-03-08T12:00:00Z', 1), [
    '2025-03-10T06:00:00.000Z',
  ]);
});

void test('DST overlap (Europe/Berlin, 2025-10-26 03:00 → 02:00): a repeated local time runs once', () => {
  assert.deepEqual(runs('30 2 * * *', 'Europe/Berlin', '2025-10-25T12:00:00Z', 2), [
    '2025-10-26T00:30:00.000Z', // 02:30 CEST, first occurrence
    '2025-10-27T01:30:00.000Z', // 02:30 CET next day; not 2025-10-26T01:30Z
  ]);
  // Asked between the two occurrences: the second one does not run.
  assert.equal(
    iso(nextRun('30 2 * * *', 'Europe/Berlin', at('2025-10-26T00:45:00Z'))),
    '2025-10-27T01:30:00.000Z',
  );
  assert.deepEqual(runs('*/30 * * * *', 'Europe/Berlin', '2025-10-25T23:45:00Z', 3), [
    '2025-10-26T00:00:00.000Z', // 02:00 CEST
    '2025-10-26T00:30:00.000Z', // 02:30 CEST
    '2025-10-26T02:00:00.000Z', // 03:00 CET: 02:00/02:30 CET were skipped
  ]);
});

void test('DST overlap (America/New_York, 2025-11-02 02:00 → 01:00): a repeated local time runs once', () => {
  assert.deepEqual(runs('0 * * * *', 'America/New_York', '2025-11-02T04:30:00Z', 2), [
    '2025-11-02T05:00:00.000Z', // 01:00 EDT
    '2025-11-02T07:00:00.000Z', // 02:00 EST; 01:00 EST (06:00Z) skipped
  ]);
  // Every minute: after 01:59 EDT the next run is 02:00 EST, an hour of real time later.
  assert.deepEqual(runs('* * * * *', 'America/New_York', '2025-11-02T05:58:00Z', 2), [
    '2025-11-02T05:59:00.000Z',
    '2025-11-02T07:00:00.000Z',
  ]);
  assert.deepEqual(runs('30 1 * * *', 'America/New_York', '2025-11-01T12:00:00Z', 2), [
    '2025-11-02T05:30:00.000Z',
    '2025-11-03T06:30:00.000Z',
  ]);
});

void test('month ends and February 29', () => {
  assert.deepEqual(runs('0 0 31 * *', 'UTC', '2025-01-31T12:00:00Z', 2), [
    '2025-03-31T00:00:00.000Z',
    '2025-05-31T00:00:00.000Z',
  ]);
  assert.deepEqual(runs('0 0 30 * *', 'UTC', '2025-01-30T01:00:00Z', 1), [
    '2025-03-30T00:00:00.000Z',
  ]);
  assert.equal(
    iso(nextRun('0 0 29 2 *', 'UTC', at('2025-01-01T00:00:00Z'))),
    '2028-02-29T00:00:00.000Z',
  );
  // 2100 is not a leap year.
  assert.equal(
    iso(nextRun('0 0 29 2 *', 'UTC', at('2096-03-01T00:00:00Z'))),
    '2104-02-29T00:00:00.000Z',
  );
  assert.equal(
    iso(nextRun('59 23 31 12 *', 'Asia/Kolkata', at('2025-06-01T00:00:00Z'))),
    '2025-12-31T18:29:00.000Z',
  );
});

void test('day-of-month and day-of-week together match either (Vixie cron OR rule)', () => {
  // 2025-06-06 is a Friday, before the 13th.
  assert.deepEqual(runs('0 0 13 * FRI', 'UTC', '2025-06-01T00:00:00Z', 3), [
    '2025-06-06T00:00:00.000Z',
    '2025-06-13T00:00:00.000Z',
    '2025-06-20T00:00:00.000Z',
  ]);
  // Sunday as 0 and as 7.
  assert.equal(
    iso(nextRun('0 0 * * 7', 'UTC', at('2025-01-01T00:00:00Z'))),
    '2025-01-05T00:00:00.000Z',
  );
  assert.equal(
    iso(nextRun('0 0 * * 0', 'UTC', at('2025-01-01T00:00:00Z'))),
    '2025-01-05T00:00:00.000Z',
  );
});

void test('nextRun refuses unvalidated input', () => {
  assert.throws(() => nextRun('0 * * * * *', 'UTC', new Date()), TypeError);
  assert.throws(() => nextRun('* * * * *', 'Mars/Olympus', new Date()), TypeError);
  assert.throws(() => nextRun('* * * * *', '+01:00', new Date()), TypeError);
});

void test('describeCron', () => {
  const cases: [string, string][] = [
    ['* * * * *', 'every minute'],
    ['*/5 * * * *', 'every 5 minutes'],
    ['0 * * * *', 'every hour'],
    ['@hourly', 'every hour'],
    ['15 * * * *', 'every hour at minute 15'],
    ['0 */2 * * *', 'every 2 hours at minute 0'],
    ['0 2 * * *', 'daily at 02:00'],
    ['@daily', 'daily at 00:00'],
    ['30 9 * * 1-5', 'weekdays at 09:30'],
    ['30 9 * * mon-fri', 'weekdays at 09:30'],
    ['0 8 * * MON', 'every Monday at 08:00'],
    ['0 8 * * 7', 'every Sunday at 08:00'],
    ['@weekly', 'every Sunday at 00:00'],
    ['0 0 1 * *', 'monthly on day 1 at 00:00'],
    ['0 0 1 1 *', 'yearly on January 1 at 00:00'],
    ['0 12 25 DEC *', 'yearly on December 25 at 12:00'],
    ['0 9-17 * * 1-5', '0 9-17 * * 1-5'],
    ['not cron', 'not cron'],
  ];
  for (const [expr, text] of cases) assert.equal(describeCron(expr), text, expr);
});

void test('DST overlap of 30 minutes (Australia/Lord_Howe, 2025-04-06 02:00 → 01:30) runs once', () => {
  assert.deepEqual(runs('45 1 * * *', 'Australia/Lord_Howe', '2025-04-05T12:00:00Z', 2), [
    '2025-04-05T14:45:00.000Z', // 01:45 at +11:00
    '2025-04-06T15:15:00.000Z', // next day 01:45 at +10:30; not 2025-04-05T15:15Z
  ]);
});
