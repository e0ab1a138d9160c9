import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidTimeZone, normaliseTimeZone, utcOffsetMs, wallClock } from './timezone.js';

void test('accepts IANA names and fixes their case', () => {
  assert.equal(normaliseTimeZone('UTC'), 'UTC');
  assert.equal(normaliseTimeZone('utc'), 'UTC');
  assert.equal(normaliseTimeZone('Europe/Berlin'), 'Europe/Berlin');
  assert.equal(normaliseTimeZone(' europe/berlin '), 'Europe/Berlin');
  assert.equal(
    normaliseTimeZone('America/Argentina/Buenos_Aires'),
    'America/Argentina/Buenos_Aires',
  );
  assert.equal(normaliseTimeZone('Etc/GMT+5'), 'Etc/GMT+5');
  // Known to ICU as an alias only: kept as written.
  assert.equal(normaliseTimeZone('Asia/Kolkata'), 'Asia/Kolkata');
  assert.equal(isValidTimeZone('America/New_York'), true);
});

void test('rejects offsets, unknown zones and non-strings', () => {
  for (const tz of [
    '',
    ' ',
    '+01:00',
    'GMT+1',
    'Z',
    'Mars/Olympus',
    'Europe/',
    '/Berlin',
    'Europe//Berlin',
    'Europe/Berlin;',
  ]) {
    assert.equal(normaliseTimeZone(tz), null, tz);
    assert.equal(isValidTimeZone(tz), false, tz);
  }
  assert.equal(isValidTimeZone(null), false);
  assert.equal(isValidTimeZone(1), false);
});

void test('wall clock and UTC offset', () => {
  const summer = new Date('2025-07-01T12:34:56Z');
  assert.deepEqual(wallClock(summer, 'Europe/Berlin'), {
    year: 2025,
    month: 7,
    day: 1,
    hour: 14,
    minute: 34,
    second: 56,
  });
  assert.equal(utcOffsetMs(summer, 'Europe/Berlin'), 2 * 3600_000);
  assert.equal(utcOffsetMs(summer, 'Asia/Kolkata'), 5.5 * 3600_000);
  assert.equal(utcOffsetMs(summer, 'America/New_York'), -4 * 3600_000);
  assert.equal(
    utcOffsetMs(new Date('2025-01-01T00:00:00.999Z'), 'America/New_York'),
    -5 * 3600_000,
  );
  // Midnight is hour 0, not 24.
  assert.equal(wallClock(new Date('2025-01-01T00:00:00Z'), 'UTC').hour, 0);
});
