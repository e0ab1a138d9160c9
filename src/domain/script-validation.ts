// Validation and normalisation of script input (SPEC §2.1) for the JSON API and the HTML form.
//
// Messages follow SPEC's patterns; `fields` keys are the camelCase JSON names
// (`name`, `cronExpression`, `limits.maxExecutionTimeMs`, …). Type-specific fields are required
// only for their type and cleared for the others (null / [] / defaults), so a stored script never
// carries stale trigger configuration. The syntax check of `source` is not here: it needs the
// compiler (runtime/compile.ts), which callers run after this succeeds.
//
// Update mode with `current`: a key that is absent (undefined) keeps the current value, so API
// clients may send only what changes. For fields with a default (language, status, timezone,
// httpAuth, each limit) a blank value (null or "") also means "not given". Everything else is
// taken as sent: "" for a name is an empty name.
import { CRON_ERROR_MESSAGE, parseCron } from './cron.js';
import { isValidEventType } from './event-type.js';
import type {
  HttpAuth,
  HttpMethod,
  Language,
  ScriptInput,
  ScriptLimits,
  ScriptStatus,
  ScriptType,
} from './script.js';
import {
  CHANGE_NOTE_MAX_LENGTH,
  DEFAULT_LIMITS,
  DEFAULT_TIMEZONE,
  DESCRIPTION_MAX_LENGTH,
  HTTP_AUTHS,
  HTTP_METHODS,
  HTTP_PATH_MAX_LENGTH,
  LANGUAGES,
  LIMIT_KEYS,
  LIMIT_RANGES,
  MAX_EVENT_TYPES,
  MAX_SOURCE_BYTES,
  MAX_TAGS,
  NAME_MAX_LENGTH,
  NAME_MIN_LENGTH,
  SCRIPT_STATUSES,
  SCRIPT_TYPES,
  TAG_MAX_LENGTH,
  isHttpAuth,
  isHttpMethod,
  isLanguage,
  isScriptStatus,
  isScriptType,
} from './script.js';
import { normaliseTimeZone } from './timezone.js';

export { parseScriptForm } from './script-form.js';

export type ValidationMode = 'create' | 'update';

export interface ValidateScriptOptions {
  readonly mode: ValidationMode;
  /** The stored script, for update mode: absent keys keep these values. */
  readonly current?: ScriptInput;
}

/** JSON field name → message. */
export type FieldErrors = Record<string, string>;

export type ScriptValidationResult =
  | { readonly ok: true; readonly value: ScriptInput; readonly changeNote: string }
  | { readonly ok: false; readonly fields: FieldErrors };

/** Labels used in messages (and usable by forms). */
export const FIELD_LABELS = Object.freeze({
  name: 'Name',
  description: 'Description',
  source: 'Source',
  language: 'Language',
  type: 'Type',
  status: 'Status',
  cronExpression: 'Cron expression',
  timezone: 'Timezone',
  httpPath: 'HTTP path',
  httpMethods: 'HTTP methods',
  httpAuth: 'HTTP auth',
  eventTypes: 'Event types',
  tags: 'Tags',
  changeNote: 'Change note',
});

// 8-4-4-4-12 hex: a name of that shape would be ambiguous in `/scripts/:idOrName/invoke`.
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const HTTP_PATH_CHARS = /^[A-Za-z0-9/_.:-]*$/;
const HTTP_PATH_SEGMENT = /^(?:[A-Za-z0-9_.-]+|:[A-Za-z_][A-Za-z0-9_]*)$/;
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;

const isBlank = (v: unknown): boolean => v === undefined || v === null || v === '';
const charCount = (s: string): number => [...s].length;

/** UTF-8 size without Node's Buffer, so this module also runs in the browser. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function oneOf(label: string, values: readonly string[]): string {
  return `${label} must be one of ${values.join(', ')}`;
}

/** A list given as an array of strings or as one string split on `separator`. */
function readList(value: unknown, separator: RegExp): string[] | null {
  if (isBlank(value)) return [];
  const items = typeof value === 'string' ? value.split(separator) : value;
  if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) return null;
  const out: string[] = [];
  for (const item of items as string[]) {
    const t = item.trim();
    if (t !== '' && !out.includes(t)) out.push(t);
  }
  return out;
}

function validateName(value: unknown): string | { error: string } {
  if (isBlank(value)) return { error: 'Name is required' };
  if (typeof value !== 'string') return { error: 'Name must be text' };
  const name = value.trim();
  if (name === '') return { error: 'Name is required' };
  if (charCount(name) < NAME_MIN_LENGTH) {
    return { error: `Name must be at least ${NAME_MIN_LENGTH} characters` };
  }
  if (charCount(name) > NAME_MAX_LENGTH) {
    return { error: `Name must not exceed ${NAME_MAX_LENGTH} characters` };
  }
  if (CONTROL_CHARS.test(name)) return { error: 'Name must not contain control characters' };
  if (UUID_SHAPE.test(name)) return { error: 'Name must not look like a script id (UUID)' };
  return name;
}

function validateHttpPath(value: unknown): string | { error: string } {
  if (isBlank(value)) return { error: 'HTTP path is required' };
  if (typeof value !== 'string') return { error: 'HTTP path must be text' };
  let path = value.trim();
  if (path === '') return { error: 'HTTP path is required' };
  if (!path.startsWith('/')) return { error: 'HTTP path must start with /' };
  if (charCount(path) > HTTP_PATH_MAX_LENGTH) {
    return { error: `HTTP path must not exceed ${HTTP_PATH_MAX_LENGTH} characters` };
  }
  const charsMessage = 'HTTP path may only contain letters, digits, / _ . - and :param segments';
  if (!HTTP_PATH_CHARS.test(path)) return { error: charsMessage };
  // `/orders/` and `/orders` would be the same route to callers: store without the trailing slash.
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path === '/') return path;
  const segments = path.slice(1).split('/');
  const params = new Set<string>();
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      return { error: 'HTTP path must not contain empty, . or .. segments' };
    }
    if (!HTTP_PATH_SEGMENT.test(segment)) return { error: charsMessage };
    if (segment.startsWith(':')) {
      if (params.has(segment)) return { error: `HTTP path repeats the parameter ${segment}` };
      params.add(segment);
    }
  }
  return path;
}

function validateLimit(key: keyof ScriptLimits, value: unknown): number | { error: string } {
  const { min, max, label } = LIMIT_RANGES[key];
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && NUMERIC_TEXT.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n) || !Number.isInteger(n)) {
    return { error: `${label} must be a whole number between ${min} and ${max}` };
  }
  if (n < min || n > max) return { error: `${label} must be between ${min} and ${max}` };
  return n;
}

/**
 * Validate and normalise a script as sent by the API (camelCase JSON) or by `parseScriptForm`.
 * Collects every field error at once.
 */
export function validateScriptInput(
  raw: unknown,
  options: ValidateScriptOptions,
): ScriptValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, fields: { body: 'Expected a JSON object with the script fields' } };
  }
  const input = raw as Record<string, unknown>;
  const current = options.mode === 'update' ? options.current : undefined;
  const fields: FieldErrors = {};

  /** The sent value; in update mode an absent key reads the current value. */
  const given = (key: keyof ScriptInput | 'changeNote'): unknown => {
    const v = input[key];
    if (v === undefined && current && key !== 'changeNote') return current[key];
    return v;
  };
  /** For fields with a default: blank means "not given". */
  const givenOrDefault = <T>(key: keyof ScriptInput, fallback: T): unknown => {
    const v = input[key];
    if (!isBlank(v)) return v;
    return current ? current[key] : fallback;
  };
  const take = <T>(key: string, result: T | { error: string }, fallback: T): T => {
    if (typeof result === 'object' && result !== null && 'error' in result) {
      fields[key] = result.error;
      return fallback;
    }
    return result as T;
  };

  const name = take('name', validateName(given('name')), '');

  let description = '';
  const rawDescription = given('description');
  if (!isBlank(rawDescription)) {
    if (typeof rawDescription !== 'string') fields['description'] = 'Description must be text';
    else if (charCount(rawDescription.trim()) > DESCRIPTION_MAX_LENGTH) {
      fields['description'] = `Description must not exceed ${DESCRIPTION_MAX_LENGTH} characters`;
    } else description = rawDescription.trim();
  }

  // The source is kept byte for byte: error positions and version diffs refer to it.
  let source = '';
  const rawSource = given('source');
  if (isBlank(rawSource) || (typeof rawSource === 'string' && rawSource.trim() === '')) {
    fields['source'] = 'Source is required';
  } else if (typeof rawSource !== 'string') {
    fields['source'] = 'Source must be text';
  } else if (utf8Length(rawSource) > MAX_SOURCE_BYTES) {
    fields['source'] = `Source must not exceed ${MAX_SOURCE_BYTES / 1024} KB`;
  } else source = rawSource;

  let language: Language = 'javascript';
  const rawLanguage = givenOrDefault('language', 'javascript');
  const languageText =
    typeof rawLanguage === 'string' ? rawLanguage.trim().toLowerCase() : rawLanguage;
  if (isLanguage(languageText)) language = languageText;
  else fields['language'] = oneOf('Language', LANGUAGES);

  let type: ScriptType = 'oneoff';
  const rawType = given('type');
  const typeText = typeof rawType === 'string' ? rawType.trim().toLowerCase() : rawType;
  if (isBlank(typeText)) fields['type'] = 'Type is required';
  else if (isScriptType(typeText)) type = typeText;
  else fields['type'] = oneOf('Type', SCRIPT_TYPES);
  const typeKnown = fields['type'] === undefined;

  let status: ScriptStatus = 'draft';
  const rawStatus = givenOrDefault('status', 'draft');
  const statusText = typeof rawStatus === 'string' ? rawStatus.trim().toLowerCase() : rawStatus;
  if (isScriptStatus(statusText)) status = statusText;
  else fields['status'] = oneOf('Status', SCRIPT_STATUSES);

  // Trigger configuration: checked only for the script's own type (and only once the type is known,
  // so a bad type does not also flood the form with errors for fields the user never meant to set).
  let cronExpression: string | null = null;
  let timezone = DEFAULT_TIMEZONE;
  if (typeKnown && type === 'scheduled') {
    const rawCron = given('cronExpression');
    if (isBlank(rawCron) || (typeof rawCron === 'string' && rawCron.trim() === '')) {
      fields['cronExpression'] = 'Cron expression is required';
    } else {
      const parsed = parseCron(rawCron);
      if (parsed.ok) cronExpression = parsed.expression;
      else fields['cronExpression'] = CRON_ERROR_MESSAGE;
    }
    const rawTz = givenOrDefault('timezone', DEFAULT_TIMEZONE);
    const tz = typeof rawTz === 'string' ? normaliseTimeZone(rawTz) : null;
    if (tz) timezone = tz;
    else fields['timezone'] = 'Timezone must be a valid IANA time zone';
  }

  let httpPath: string | null = null;
  let httpMethods: HttpMethod[] = [];
  let httpAuth: HttpAuth = 'token';
  if (typeKnown && type === 'http') {
    httpPath = take('httpPath', validateHttpPath(given('httpPath')), null);
    const methods = readList(given('httpMethods'), /[\s,]+/);
    if (methods === null) {
      fields['httpMethods'] = 'HTTP methods must be a list of text';
    } else {
      const upper = methods.map((m) => m.toUpperCase());
      const unknown = upper.filter((m) => !isHttpMethod(m));
      if (unknown.length > 0) {
        fields['httpMethods'] =
          `HTTP methods must be among ${HTTP_METHODS.join(', ')} (got ${unknown.join(', ')})`;
      } else if (upper.length === 0) {
        fields['httpMethods'] = 'Select at least one HTTP method';
      } else httpMethods = HTTP_METHODS.filter((m) => upper.includes(m));
    }
    const rawAuth = givenOrDefault('httpAuth', 'token');
    const authText = typeof rawAuth === 'string' ? rawAuth.trim().toLowerCase() : rawAuth;
    if (isHttpAuth(authText)) httpAuth = authText;
    else fields['httpAuth'] = oneOf('HTTP auth', HTTP_AUTHS);
  }

  let eventTypes: string[] = [];
  if (typeKnown && type === 'event') {
    const types = readList(given('eventTypes'), /[\s,]+/);
    if (types === null) fields['eventTypes'] = 'Event types must be a list of text';
    else if (types.length === 0) fields['eventTypes'] = 'Select at least one event type';
    else if (types.length > MAX_EVENT_TYPES) {
      fields['eventTypes'] = `Event types must not exceed ${MAX_EVENT_TYPES} entries`;
    } else {
      const bad = types.filter((t) => !isValidEventType(t));
      if (bad.length > 0) {
        fields['eventTypes'] =
          `Event type must look like module.entity.action (lowercase letters, digits, _): ${bad
            .map((t) => JSON.stringify(t))
            .join(', ')}`;
      } else eventTypes = types;
    }
  }

  const limits: Record<keyof ScriptLimits, number> = { ...DEFAULT_LIMITS };
  const rawLimits = input['limits'];
  if (!isBlank(rawLimits) && (typeof rawLimits !== 'object' || Array.isArray(rawLimits))) {
    fields['limits'] = 'Limits must be an object';
  } else {
    const sent = (rawLimits ?? {}) as Record<string, unknown>;
    for (const key of LIMIT_KEYS) {
      const v = sent[key];
      const fallback = current ? current.limits[key] : DEFAULT_LIMITS[key];
      limits[key] = isBlank(v) ? fallback : take(`limits.${key}`, validateLimit(key, v), fallback);
    }
  }

  let tags: string[] = [];
  const rawTags = readList(given('tags'), /,/);
  if (rawTags === null) fields['tags'] = 'Tags must be a list of text';
  else if (rawTags.length > MAX_TAGS) fields['tags'] = `Tags must not exceed ${MAX_TAGS} entries`;
  else {
    const long = rawTags.find((t) => charCount(t) > TAG_MAX_LENGTH);
    if (long !== undefined) {
      fields['tags'] = `Each tag must not exceed ${TAG_MAX_LENGTH} characters`;
    } else if (rawTags.some((t) => CONTROL_CHARS.test(t) || t.includes(','))) {
      // Commas separate tags in the form, so a tag containing one could not be edited there.
      fields['tags'] = 'Tags must not contain commas or control characters';
    } else tags = rawTags;
  }

  let changeNote = '';
  const rawNote = given('changeNote');
  if (!isBlank(rawNote)) {
    if (typeof rawNote !== 'string') fields['changeNote'] = 'Change note must be text';
    else if (charCount(rawNote.trim()) > CHANGE_NOTE_MAX_LENGTH) {
      fields['changeNote'] = `Change note must not exceed ${CHANGE_NOTE_MAX_LENGTH} characters`;
    } else changeNote = rawNote.trim();
  }

  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    value: {
      name,
      description,
      source,
      language,
      type,
      status,
      cronExpression,
      timezone,
      httpPath,
      httpMethods,
      httpAuth,
      eventTypes,
      limits,
      tags,
    },
    changeNote,
  };
}
