// Reads an undici response body under a byte cap and turns it into the script-facing { status, headers, body }.
import { TextDecoder } from 'node:util';
import type { Dispatcher } from 'undici';
import { SdkError } from '../sdk-error.js';

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", " as fetch does. */
  readonly headers: Record<string, string>;
  /** Parsed JSON for JSON content types (text when it does not parse), text otherwise. */
  readonly body: unknown;
}

const MB = 1024 * 1024;

function describeBytes(bytes: number): string {
  return bytes % MB === 0 ? `${bytes / MB} MB` : `${bytes} bytes`;
}

export function tooLarge(maxBytes: number): SdkError {
  return new SdkError(
    'RESPONSE_TOO_LARGE',
    `Response too large - body exceeds ${describeBytes(maxBytes)}`,
  );
}

export function plainHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function isJson(contentType: string): boolean {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return media === 'application/json' || media.endsWith('+json');
}

function decoderFor(contentType: string): TextDecoder {
  const charset = /;\s*charset="?([^";\s]+)"?/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    return new TextDecoder('utf-8'); // unknown label: fall back rather than fail the call
  }
}

/**
 * Drops a body without reading it. undici emits an error on a body destroyed before its end; with
 * no listener that would be an uncaught exception in the main process, so listen first.
 */
export function discardBody(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

/** Streams the body, destroying it as soon as it passes maxBytes. */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    total += buf.length;
    if (total > maxBytes) {
      discardBody(body);
      throw tooLarge(maxBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

export async function readResponse(
  response: Dispatcher.ResponseData,
  maxBytes: number,
): Promise<HttpResponse> {
  const headers = plainHeaders(response.headers);
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discardBody(response.body);
    throw tooLarge(maxBytes);
  }
  const raw = await readCapped(response.body, maxBytes);
  const contentType = headers['content-type'] ?? '';
  const text = decoderFor(contentType).decode(raw);
  let body: unknown = text;
  if (isJson(contentType)) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text; // a server that labels non-JSON as JSON: give the script the text
    }
  }
  return { status: response.statusCode, headers, body };
}
