// Script domain types, enums, limits and UI labels (SPEC §2.1): plain data, no I/O.

export const SCRIPT_TYPES = ['scheduled', 'http', 'event', 'oneoff', 'embedded'] as const;
export type ScriptType = (typeof SCRIPT_TYPES)[number];

export const SCRIPT_STATUSES = ['draft', 'active', 'paused', 'disabled', 'archived'] as const;
export type ScriptStatus = (typeof SCRIPT_STATUSES)[number];

export const LANGUAGES = ['javascript', 'typescript'] as const;
export type Language = (typeof LANGUAGES)[number];

/** In the order the UI shows them. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const HTTP_AUTHS = ['token', 'public'] as const;
export type HttpAuth = (typeof HTTP_AUTHS)[number];

export interface ScriptLimits {
  readonly maxExecutionTimeMs: number;
  readonly maxMemoryBytes: number;
  readonly maxConcurrentRuns: number;
  readonly maxApiCallsPerMinute: number;
  readonly maxOutputSizeBytes: number;
}

export const LIMIT_KEYS = [
  'maxExecutionTimeMs',
  'maxMemoryBytes',
  'maxConcurrentRuns',
  'maxApiCallsPerMinute',
  'maxOutputSizeBytes',
] as const satisfies readonly (keyof ScriptLimits)[];

const MIB = 1024 * 1024;

export const DEFAULT_LIMITS: ScriptLimits = Object.freeze({
  maxExecutionTimeMs: 30_000,
  maxMemoryBytes: 64 * MIB,
  maxConcurrentRuns: 5,
  maxApiCallsPerMinute: 60,
  maxOutputSizeBytes: 1_048_576,
});

export interface LimitRange {
  readonly min: number;
  readonly max: number;
  /** Field label used in validation messages and forms. */
  readonly label: string;
  /** HTML form field name (SPEC §2.1). */
  readonly formName: string;
}

/** Inclusive ranges; the memory floor is the sandbox's minimum isolate size. */
export const LIMIT_RANGES: Readonly<Record<keyof ScriptLimits, LimitRange>> = Object.freeze({
  maxExecutionTimeMs: {
    min: 1000,
    max: 300_000,
    label: 'Max execution time (ms)',
    formName: 'MaxExecutionTimeMs',
  },
  maxMemoryBytes: {
    min: 8 * MIB,
    max: 512 * MIB,
    label: 'Max memory (bytes)',
    formName: 'MaxMemoryBytes',
  },
  maxConcurrentRuns: {
    min: 1,
    max: 20,
    label: 'Max concurrent runs',
    formName: 'MaxConcurrentRuns',
  },
  maxApiCallsPerMinute: {
    min: 1,
    max: 300,
    label: 'Max API calls per minute',
    formName: 'MaxAPICallsPerMinute',
  },
  maxOutputSizeBytes: {
    min: 1024,
    max: 10_485_760,
    label: 'Max output size (bytes)',
    formName: 'MaxOutputSizeBytes',
  },
});

/** Source size cap, measured in UTF-8 bytes. */
export const MAX_SOURCE_BYTES = 100 * 1024;
export const NAME_MIN_LENGTH = 3;
export const NAME_MAX_LENGTH = 100;
export const DESCRIPTION_MAX_LENGTH = 500;
export const CHANGE_NOTE_MAX_LENGTH = 500;
export const HTTP_PATH_MAX_LENGTH = 200;
export const MAX_EVENT_TYPES = 50;
export const MAX_TAGS = 20;
export const TAG_MAX_LENGTH = 50;
export const DEFAULT_TIMEZONE = 'UTC';

/** A script's configuration as the API accepts it (camelCase JSON names of SPEC §2.1), normalised. */
export interface ScriptInput {
  readonly name: string;
  readonly description: string;
  readonly source: string;
  readonly language: Language;
  readonly type: ScriptType;
  readonly status: ScriptStatus;
  /** Set only for `scheduled`, else null. */
  readonly cronExpression: string | null;
  /** IANA zone; meaningful for `scheduled`, `UTC` for every other type. */
  readonly timezone: string;
  /** Set only for `http`, else null. */
  readonly httpPath: string | null;
  /** Non-empty only for `http`. */
  readonly httpMethods: readonly HttpMethod[];
  /** Meaningful for `http`; `token` for every other type. */
  readonly httpAuth: HttpAuth;
  /** Non-empty only for `event`. */
  readonly eventTypes: readonly string[];
  readonly limits: ScriptLimits;
  readonly tags: readonly string[];
}

export const TYPE_LABELS: Readonly<Record<ScriptType, string>> = Object.freeze({
  scheduled: 'Scheduled (cron)',
  http: 'HTTP endpoint',
  event: 'Event',
  oneoff: 'One-off (manual)',
  embedded: 'Embedded',
});

export const STATUS_LABELS: Readonly<Record<ScriptStatus, string>> = Object.freeze({
  draft: 'Draft',
  active: 'Active',
  paused: 'Paused',
  disabled: 'Disabled',
  archived: 'Archived',
});

export const LANGUAGE_LABELS: Readonly<Record<Language, string>> = Object.freeze({
  javascript: 'JavaScript',
  typescript: 'TypeScript',
});

export const HTTP_AUTH_LABELS: Readonly<Record<HttpAuth, string>> = Object.freeze({
  token: 'Token (tenant token or session with scripts.execute)',
  public: 'Public (no credentials)',
});

export function isScriptType(value: unknown): value is ScriptType {
  return typeof value === 'string' && (SCRIPT_TYPES as readonly string[]).includes(value);
}

export function isScriptStatus(value: unknown): value is ScriptStatus {
  return typeof value === 'string' && (SCRIPT_STATUSES as readonly string[]).includes(value);
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function isHttpMethod(value: unknown): value is HttpMethod {
  return typeof value === 'string' && (HTTP_METHODS as readonly string[]).includes(value);
}

export function isHttpAuth(value: unknown): value is HttpAuth {
  return typeof value === 'string' && (HTTP_AUTHS as readonly string[]).includes(value);
}
