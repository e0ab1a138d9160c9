// Maps a script's return value to the HTTP response (SPEC §3): `{status?, headers?, body?}`, a
// body that is not a string is JSON; a value without those keys is a 200 JSON body.
export interface MappedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const RESPONSE_KEYS = ['status', 'headers', 'body'];
/** Headers a script may not set: framing and hop-by-hop are the server's business. */
const FORBIDDEN_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'trailer',
  'te',
]);

export function mapResponse(value: unknown): MappedResponse {
  const isShaped =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).some((k) => RESPONSE_KEYS.includes(k));
  if (!isShaped) {
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(value ?? null),
    };
  }
  const v = value as { status?: unknown; headers?: unknown; body?: unknown };
  const status =
    typeof v.status === 'number' && Number.isInteger(v.status) && v.status >= 200 && v.status <= 599
      ? v.status
      : 200;
  const headers: Record<string, string> = {};
  if (v.headers && typeof v.headers === 'object') {
    for (const [k, x] of Object.entries(v.headers as Record<string, unknown>)) {
      const name = k.toLowerCase();
      if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || FORBIDDEN_HEADERS.has(name)) continue;
      if (typeof x === 'string' || typeof x === 'number')
        headers[name] = String(x).replace(/[\r\n]/g, ' ');
    }
  }
  let body: string;
  if (v.body === undefined || v.body === null) {
    body = '';
  } else if (typeof v.body === 'string') {
    body = v.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    body = JSON.stringify(v.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  return { status, headers, body };
}
