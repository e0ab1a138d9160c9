// Maps the HTML script form (SPEC §2.1 form names) to the raw JSON shape validateScriptInput reads.
import { LIMIT_KEYS, LIMIT_RANGES } from './script.js';

/** A parsed form body: one string per field, or several for repeated fields. */
export type FormBody = Readonly<Record<string, unknown>>;

function values(form: FormBody, name: string): string[] | undefined {
  // Accept both `HTTPMethods` and the `HTTPMethods[]` naming some form libraries use.
  const v = form[name] ?? form[`${name}[]`];
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? (v as unknown[]) : [v];
  return list.filter((x): x is string => typeof x === 'string');
}

function first(form: FormBody, name: string): string | undefined {
  const list = values(form, name);
  return list === undefined ? undefined : (list[0] ?? '');
}

/** Values of a multi-value field whose entries may also be comma- or newline-separated. */
function splitAll(form: FormBody, name: string, separator: RegExp): string[] {
  return (values(form, name) ?? [])
    .flatMap((v) => v.split(separator))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * Form → raw input. Absent text fields stay undefined (in update mode they keep the stored value);
 * absent HTTPMethods / EventTypes mean "none selected" (checkboxes and multi-selects send nothing).
 * Browsers submit textarea line breaks as CRLF: the source is turned back into LF so it matches
 * what the editor showed.
 */
export function parseScriptForm(form: FormBody): Record<string, unknown> {
  const source = first(form, 'Source');
  const limits: Record<string, string | undefined> = {};
  for (const key of LIMIT_KEYS) limits[key] = first(form, LIMIT_RANGES[key].formName);
  const tags = first(form, 'Tags');
  return {
    name: first(form, 'Name'),
    description: first(form, 'Description'),
    source: source?.replace(/\r\n?/g, '\n'),
    language: first(form, 'Language'),
    type: first(form, 'Type'),
    status: first(form, 'Status'),
    cronExpression: first(form, 'CronExpression'),
    timezone: first(form, 'Timezone'),
    httpPath: first(form, 'HTTPPath'),
    httpMethods: splitAll(form, 'HTTPMethods', /[\s,]+/),
    httpAuth: first(form, 'HTTPAuth'),
    eventTypes: splitAll(form, 'EventTypes', /[\s,]+/),
    limits,
    tags:
      tags === undefined
        ? undefined
        : tags
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
    changeNote: first(form, 'ChangeNote'),
  };
}
