// Validates the parameter array of an sdk.db call and turns it into values for node-postgres.
import { SdkError } from '../sdk-error.js';

export const MAX_PARAMS = 100;

type Primitive = string | number | boolean | null;
/**
 * Arrays of scalars become PostgreSQL arrays (`WHERE id = ANY($1)`); objects, and arrays holding
 * objects, become JSON text (json/jsonb columns). A jsonb array of scalars: pass JSON.stringify(a).
 */
export type PgValue = Primitive | PgValue[];

const invalid = (what: string): SdkError =>
  new SdkError('INVALID_ARGUMENT', `Invalid argument - ${what}`);

function primitive(value: unknown): value is Primitive {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** Arrays (nested too) whose leaves are all scalars; these map onto PostgreSQL arrays. */
function scalarArray(value: unknown[], where: string, depth: number): PgValue[] | null {
  if (depth > 6) throw invalid(`${where} is nested too deeply`);
  const out: PgValue[] = [];
  for (const [i, item] of value.entries()) {
    if (item === undefined || primitive(item)) out.push(item ?? null);
    else if (typeof item === 'number') throw invalid(`${where}[${i}] must be a finite number`);
    else if (Array.isArray(item)) {
      const inner = scalarArray(item, `${where}[${i}]`, depth + 1);
      if (!inner) return null;
      out.push(inner);
    } else return null;
  }
  return out;
}

function json(value: object, where: string): string {
  // Serialised here rather than by node-postgres, which would call a toPostgres() method.
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') {
        throw new TypeError('not JSON');
      }
      return v;
    });
  } catch {
    throw invalid(`${where} is not serialisable as JSON`);
  }
}

/** Throws SdkError('INVALID_ARGUMENT') for anything that is not a list of JSON values. */
export function toPgParams(params: unknown, max = MAX_PARAMS): PgValue[] {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) throw invalid('params must be an array');
  if (params.length > max) throw invalid(`at most ${max} parameters`);
  return params.map((value: unknown, i): PgValue => {
    const where = `params[${i}]`;
    if (value === undefined) return null;
    if (primitive(value)) return value;
    if (typeof value === 'number') throw invalid(`${where} must be a finite number`);
    if (Array.isArray(value)) return scalarArray(value, where, 1) ?? json(value, where);
    if (typeof value === 'object') return json(value, where);
    throw invalid(`${where} must be a string, number, boolean, null, array or object`);
  });
}
