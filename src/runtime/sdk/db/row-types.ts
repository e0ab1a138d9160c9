// Result value parsing for script queries: rows cross IPC as JSON, so values are JSON-friendly.
// int8 → number when it is a safe integer (ids, counts), else the exact string; numeric stays a
// string (money must not lose precision); timestamptz → ISO-8601 string; date, timestamp, time,
// interval and bytea → PostgreSQL's text form; json/jsonb → parsed.
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

const { types } = pg;
/** pg-types is typed with an enum of some OIDs; every OID is valid at run time. */
const getParser = types.getTypeParser as (
  oid: number,
  format?: 'text' | 'binary',
) => (value: string) => unknown;

const OID = {
  int8: 20,
  bytea: 17,
  int8Array: 1016,
  textArray: 1009,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestampArray: 1115,
  dateArray: 1182,
  timestamptz: 1184,
  timestamptzArray: 1185,
  interval: 1186,
  timetz: 1266,
} as const;

const RAW = new Set<number>([
  OID.bytea,
  OID.date,
  OID.time,
  OID.timestamp,
  OID.interval,
  OID.timetz,
]);

function int8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

const parseTimestamptz = getParser(OID.timestamptz);
const parseTextArray = getParser(OID.textArray) as (value: string) => (string | null)[];

/** ISO-8601, or PostgreSQL's text for values a Date cannot hold (infinity). */
function timestamptz(value: string): string {
  const d: unknown = parseTimestamptz(value);
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : value;
}

function arrayOf(parse: (value: string) => unknown): (value: string) => unknown[] {
  return (value) => parseTextArray(value).map((x) => (x === null ? null : parse(x)));
}

const identity = (value: string): string => value;

function textParser(oid: number): (value: string) => unknown {
  if (RAW.has(oid)) return identity;
  switch (oid) {
    case OID.int8:
      return int8;
    case OID.int8Array:
      return arrayOf(int8);
    case OID.timestamptz:
      return timestamptz;
    case OID.timestamptzArray:
      return arrayOf(timestamptz);
    case OID.timestampArray:
    case OID.dateArray:
      return parseTextArray;
    default:
      return getParser(oid);
  }
}

/** Pass as `types` to queries whose rows go back to scripts. */
export const scriptRowTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    format === 'binary'
      ? getParser(oid, 'binary')
      : textParser(oid)) as CustomTypesConfig['getTypeParser'],
};
