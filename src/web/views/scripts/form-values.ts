// The script form's values keyed by HTML field name, so a form with errors re-renders exactly
// what the user typed; and the mapping from JSON error keys to those fields.
import {
  DEFAULT_LIMITS,
  LIMIT_KEYS,
  LIMIT_RANGES,
  type ScriptInput,
} from '../../../domain/script.js';
import type { ScriptTemplate } from '../../../scripts/templates.js';

export type FormValues = Record<string, string | string[]>;

export function valuesFromInput(s: Partial<ScriptInput>): FormValues {
  const v: FormValues = {
    Name: s.name ?? '',
    Description: s.description ?? '',
    Source: s.source ?? '',
    Language: s.language ?? 'javascript',
    Type: s.type ?? 'oneoff',
    Status: s.status ?? 'draft',
    CronExpression: s.cronExpression ?? '',
    Timezone: s.timezone ?? 'UTC',
    HTTPPath: s.httpPath ?? '',
    HTTPMethods: [...(s.httpMethods ?? [])],
    HTTPAuth: s.httpAuth ?? 'token',
    EventTypes: (s.eventTypes ?? []).join(', '),
    Tags: (s.tags ?? []).join(', '),
  };
  const limits = s.limits ?? DEFAULT_LIMITS;
  for (const key of LIMIT_KEYS) v[LIMIT_RANGES[key].formName] = String(limits[key]);
  return v;
}

export function valuesFromTemplate(t: ScriptTemplate | undefined): FormValues {
  if (!t) return valuesFromInput({});
  const x = t.values;
  return valuesFromInput({
    name: x.name,
    description: x.description,
    type: x.type,
    source: x.source,
    cronExpression: x.cronExpression ?? null,
    timezone: x.timezone ?? 'UTC',
    httpPath: x.httpPath ?? null,
    httpMethods: (x.httpMethods ?? []) as ScriptInput['httpMethods'],
    httpAuth: x.httpAuth ?? 'token',
    eventTypes: x.eventTypes ?? [],
  });
}

/** JSON field name (as in error.fields) → HTML form field name. */
const FIELD_TO_FORM: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  source: 'Source',
  language: 'Language',
  type: 'Type',
  status: 'Status',
  cronExpression: 'CronExpression',
  timezone: 'Timezone',
  httpPath: 'HTTPPath',
  httpMethods: 'HTTPMethods',
  httpAuth: 'HTTPAuth',
  eventTypes: 'EventTypes',
  tags: 'Tags',
  changeNote: 'ChangeNote',
};
for (const key of LIMIT_KEYS) FIELD_TO_FORM[`limits.${key}`] = LIMIT_RANGES[key].formName;

export function formErrors(
  fields: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, msg] of Object.entries(fields ?? {})) {
    const formName =
      FIELD_TO_FORM[k] ??
      FIELD_TO_FORM[k.split('.')[0]!] ??
      (k.startsWith('limits') ? 'Limits' : k);
    out[formName] ??= msg;
  }
  return out;
}

export function one(v: FormValues, name: string): string {
  const x = v[name];
  return Array.isArray(x) ? (x[0] ?? '') : (x ?? '');
}

export function many(v: FormValues, name: string): string[] {
  const x = v[name];
  return Array.isArray(x) ? x : x ? [x] : [];
}
