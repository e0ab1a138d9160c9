// The `sdk` and `events` globals: thin wrappers that turn method calls into host SDK calls.
import { ErrorCtor, ObjectFreeze, StringFn } from './intrinsics.js';
import type { SdkCaller } from './host-calls.js';
import type { GuestLog } from './log.js';
import { sdkError } from './errors.js';

export function createSdk(call: SdkCaller, log: GuestLog): { sdk: object; events: object } {
  const http = {
    get: (url?: unknown, opts?: unknown) => call('http', 'get', [url, opts], 1),
    delete: (url?: unknown, opts?: unknown) => call('http', 'delete', [url, opts], 1),
    post: (url?: unknown, body?: unknown, opts?: unknown) =>
      call('http', 'post', [url, body, opts], 2),
    put: (url?: unknown, body?: unknown, opts?: unknown) =>
      call('http', 'put', [url, body, opts], 2),
    patch: (url?: unknown, body?: unknown, opts?: unknown) =>
      call('http', 'patch', [url, body, opts], 2),
  };

  const statement = (method: string, txId?: string) => (sql?: unknown, params?: unknown) =>
    call('db', method, txId === undefined ? [sql, params ?? []] : [sql, params ?? [], txId]);

  const transaction = async (fn?: unknown): Promise<unknown> => {
    if (typeof fn !== 'function') {
      throw sdkError(
        'SDK_ERROR',
        'db.transaction needs an async function (tx) => { … }',
        new ErrorCtor(),
      );
    }
    const txId = StringFn(await call('db', 'begin', []));
    const tx = ObjectFreeze({
      query: statement('query', txId),
      queryOne: statement('queryOne', txId),
      execute: statement('execute', txId),
    });
    let result: unknown;
    try {
      result = await (fn as (tx: object) => unknown)(tx);
    } catch (err) {
      try {
        await call('db', 'rollback', [txId]);
      } catch {
        // the script's own error is the one worth reporting
      }
      throw err;
    }
    await call('db', 'commit', [txId]);
    return result;
  };

  const db = {
    query: statement('query'),
    queryOne: statement('queryOne'),
    execute: statement('execute'),
    transaction,
  };

  const cache = {
    get: (key?: unknown) => call('cache', 'get', [key], 1),
    set: (key?: unknown, value?: unknown, ttlSeconds?: unknown) =>
      call('cache', 'set', [key, value, ttlSeconds], 2),
    delete: (key?: unknown) => call('cache', 'delete', [key], 1),
    exists: (key?: unknown) => call('cache', 'exists', [key], 1),
    increment: (key?: unknown, delta?: unknown) => call('cache', 'increment', [key, delta], 1),
    expire: (key?: unknown, ttlSeconds?: unknown) => call('cache', 'expire', [key, ttlSeconds], 2),
  };

  const events = {
    publish: (eventType?: unknown, payload?: unknown) =>
      call('events', 'publish', [eventType, payload], 2),
  };

  const sdk = {
    http: ObjectFreeze(http),
    db: ObjectFreeze(db),
    cache: ObjectFreeze(cache),
    log: ObjectFreeze(log.sdkLog),
  };
  return { sdk: ObjectFreeze(sdk), events: ObjectFreeze(events) };
}
