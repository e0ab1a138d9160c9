// Reads a JSON object body with a coded 400 for anything else.
import type { Context } from 'hono';
import { AppError } from '../lib/errors.js';

export async function readJson(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError('BAD_REQUEST', 'Request body must be a JSON object');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('BAD_REQUEST', 'Request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
