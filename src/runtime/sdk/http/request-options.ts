// Validates sdk.http arguments (URL, options, body) into a request plan; bad input becomes an SdkError.
import { SdkError } from '../sdk-error.js';

export interface HttpOptions {
  readonly headers: Record<string, string>;
  /** Milliseconds requested by the script, or null for the default. */
  readonly timeout: number | null;
}

export interface EncodedBody {
  readonly data: string;
  readonly contentType: string;
}

const MAX_URL_LENGTH = 8192;
const MAX_TIMEOUT_MS = 2_147_483_647; // setTimeout's ceiling
const OPTION_KEYS = new Set(['headers', 'query', 'timeout']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Hop-by-hop headers belong to one connection, not to the script's request; `host` and
// `content-length` are derived from the URL and body so a script cannot make them disagree;
// `accept-encoding` is dropped because bodies are handed to scripts as text, never decompressed.
const DROPPED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'expect',
  'host',
  'content-length',
  'accept-encoding',
]);

const invalid = (message: string): SdkError => new SdkError('INVALID_ARGUMENT', message);
const invalidUrl = (message: string): SdkError => new SdkError('INVALID_URL', message);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Parses an http(s) URL; anything else is INVALID_URL. */
export function parseHttpUrl(value: unknown, what = 'URL'): URL {
  if (typeof value !== 'string') throw invalidUrl(`Invalid ${what} - expected a string`);
  if (value.length > MAX_URL_LENGTH) {
    throw invalidUrl(`Invalid ${what} - longer than ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidUrl(`Invalid ${what} - could not parse "${value.slice(0, 200)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidUrl(`Invalid ${what} - only http: and https: are allowed, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidUrl(
      `Invalid ${what} - credentials in the URL are not allowed; send an Authorization header`,
    );
  }
  return url;
}

function scalarText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  throw invalid(`${what} must be a string, number or boolean`);
}

function parseHeaders(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalid('opts.headers must be an object of name: value');
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!TOKEN.test(name)) throw invalid(`Invalid header name "${name.slice(0, 100)}"`);
    const text = scalarText(raw, `Header "${name}"`);
    if (/[\r\n\0]/.test(text)) throw invalid(`Header "${name}" contains a line break or NUL`);
    const lower = name.toLowerCase();
    if (!DROPPED_HEADERS.has(lower)) headers[lower] = text;
  }
  return headers;
}

function applyQuery(url: URL, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isPlainObject(value)) throw invalid('opts.query must be an object of name: value');
  for (const [name, raw] of Object.entries(value)) {
    const values: unknown[] = Array.isArray(raw) ? raw : [raw];
    for (const item of values) {
      if (item === undefined || item === null) continue;
      url.searchParams.append(name, scalarText(item, `Query parameter "${name}"`));
    }
  }
}

function parseTimeout(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid('opts.timeout must be a positive number of milliseconds');
  }
  return Math.min(Math.ceil(value), MAX_TIMEOUT_MS);
}

/** Validates `opts` and applies `opts.query` to the URL. */
export function parseOptions(value: unknown, url: URL): HttpOptions {
  if (value === undefined || value === null) return { headers: {}, timeout: null };
  if (!isPlainObject(value)) throw invalid('opts must be an object');
  for (const key of Object.keys(value)) {
    if (!OPTION_KEYS.has(key)) {
      throw invalid(`Unknown http option "${key}" - expected headers, query or timeout`);
    }
  }
  applyQuery(url, value.query);
  return { headers: parseHeaders(value.headers), timeout: parseTimeout(value.timeout) };
}

/** Strings are sent as they are, anything else as JSON; null/undefined mean no body. */
export function encodeBody(value: unknown, maxBytes: number): EncodedBody | null {
  if (value === undefined || value === null) return null;
  let body: EncodedBody;
  if (typeof value === 'string') {
    body = { data: value, contentType: 'text/plain; charset=utf-8' };
  } else {
    let json: string | undefined;
    try {
      json = JSON.stringify(value) as string | undefined;
    } catch {
      json = undefined;
    }
    if (json === undefined) throw invalid('Request body must be a string or a JSON value');
    body = { data: json, contentType: 'application/json' };
  }
  if (Buffer.byteLength(body.data) > maxBytes) {
    throw invalid(`Request body too large - limit is ${maxBytes} bytes`);
  }
  return body;
}
