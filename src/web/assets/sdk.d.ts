/* eslint-disable @typescript-eslint/no-explicit-any -- script authors get `any` where the data is arbitrary JSON (bodies, payloads, rows), as JSON.parse does. */
/**
 * jsruntime script globals: the typings the editor loads for autocomplete and hovers,
 * also served at /assets/sdk.d.ts for authors' own tooling.
 *
 * A script's source is the body of an `async` function: top-level `await` and `return`
 * are allowed, and the returned value (JSON-serialisable, `undefined` becomes `null`) is
 * the execution's output. HTTP-triggered scripts may return `{ status?, headers?, body? }`.
 *
 * Available globals: `context`, `sdk`, `events`, `console` and the ECMAScript built-ins.
 * Not available: `eval`, `Function` from strings, `WebAssembly`, `require`, `import()`,
 * `process`, `fetch`, `XMLHttpRequest`, `setTimeout`, `setInterval`, or any Node or browser
 * object. `context`, `sdk`, `events` and the built-in prototypes are frozen.
 *
 * Every SDK call (except logging) counts toward the script's `maxApiCallsPerMinute` and a
 * hard cap of 100 SDK calls per execution (`API_CALL_LIMIT`). Per-capability limits per
 * script and minute: http 60, db 60, cache 120, log 100, events 30; over a limit the call
 * fails with `Error("Rate limit exceeded")`, code `RATE_LIMIT`.
 *
 * The execution ends when the script's function settles: `await` every SDK call whose effect
 * matters. A call still in flight then may be cut off, and one started afterwards (from a
 * promise callback that runs late) fails with "The execution has ended", code `SDK_ERROR`.
 */

declare namespace JsRuntime {
  /** Any JSON value: what inputs, payloads, cache values and outputs are made of. */
  type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

  /** Error codes an SDK call can fail with (`err.code`). */
  type SdkErrorCode =
    | 'RATE_LIMIT'
    | 'API_CALL_LIMIT'
    | 'SSRF_BLOCKED'
    | 'RESPONSE_TOO_LARGE'
    | 'HTTP_TIMEOUT'
    | 'UNAUTHORIZED_SQL'
    | 'SQL_INJECTION'
    | 'ROW_LIMIT'
    | 'QUERY_TIMEOUT'
    | 'INVALID_EVENT_TYPE'
    | 'EVENT_LOOP'
    | 'SDK_ERROR';

  /**
   * What a failed SDK call rejects with: an ordinary `Error` with a `code` and a safe
   * message (host stack traces never reach the script).
   * @example
   * try { await sdk.db.query('SELECT * FROM orders'); }
   * catch (e) { if ((e as JsRuntime.SdkError).code === 'ROW_LIMIT') return []; throw e; }
   */
  interface SdkError extends Error {
    /** Machine-readable reason, e.g. `'SSRF_BLOCKED'` or `'ROW_LIMIT'`. */
    readonly code: SdkErrorCode | (string & {});
  }

  /** The incoming request of an HTTP-triggered execution. */
  interface HttpRequest {
    /** Upper-case HTTP method, e.g. `'POST'`. */
    readonly method: string;
    /** Path below the tenant's hook prefix, e.g. `'/orders/42'`. */
    readonly path: string;
    /** Values of the `:param` segments of the script's HTTP path, e.g. `{ id: '42' }`. */
    readonly params: Readonly<Record<string, string>>;
    /** Request headers, lower-case names. */
    readonly headers: Readonly<Record<string, string>>;
    /** Query-string parameters; a repeated parameter gives an array. */
    readonly query: Readonly<Record<string, string | string[]>>;
    /** Parsed JSON body, the raw text for other content types, or `null` (max 1 MB). */
    readonly body: any;
  }

  /** Fields every trigger has; the ones that do not apply to a trigger type are `null`. */
  interface TriggerBase {
    /** Event type such as `'sales.order.created'` (event triggers only). */
    readonly eventType: string | null;
    /** Payload of the event (event triggers only). */
    readonly eventPayload: any;
    /** The HTTP request (http triggers only). */
    readonly httpRequest: HttpRequest | null;
    /** The cron expression that fired (cron triggers only). */
    readonly cronExpression: string | null;
  }

  /** Started by the script's cron schedule. */
  interface CronTrigger extends TriggerBase {
    readonly type: 'cron';
    readonly cronExpression: string;
    readonly eventType: null;
    readonly eventPayload: null;
    readonly httpRequest: null;
  }

  /** Started by a request to `/hooks/{tenantSlug}{httpPath}`. */
  interface HttpTrigger extends TriggerBase {
    readonly type: 'http';
    readonly httpRequest: HttpRequest;
    readonly cronExpression: null;
    readonly eventType: null;
    readonly eventPayload: null;
  }

  /** Started by a published event whose type the script subscribes to. */
  interface EventTrigger extends TriggerBase {
    readonly type: 'event';
    readonly eventType: string;
    readonly eventPayload: any;
    readonly httpRequest: null;
    readonly cronExpression: null;
  }

  /** Started by a person in the web UI (`manual`) or through the API / embedded invoke (`api`). */
  interface DirectTrigger extends TriggerBase {
    readonly type: 'manual' | 'api';
    readonly eventType: null;
    readonly eventPayload: null;
    readonly httpRequest: null;
    readonly cronExpression: null;
  }

  /** What started this execution; narrow on `type`. */
  type Trigger = CronTrigger | HttpTrigger | EventTrigger | DirectTrigger;

  /** The read-only description of the current execution. */
  interface Context {
    /** UUID of the tenant the script belongs to. */
    readonly tenantId: string;
    /** The user who started the execution, or `null` (cron, events, tokens without a user). */
    readonly userId: number | null;
    /** The organization within the tenant, or `null`. */
    readonly organizationId: string | null;
    /** ID of the running script. */
    readonly scriptId: string;
    /** ID of this execution (shown in the UI and in the service log). */
    readonly executionId: string;
    /** The execution's JSON input (`{}` when none was given). */
    readonly input: Readonly<Record<string, any>>;
    /** What started this execution. */
    readonly trigger: Trigger;
  }

  /** Options of every `sdk.http` call. */
  interface HttpOptions {
    /** Request headers. */
    headers?: Record<string, string>;
    /** Query-string parameters appended to the URL. */
    query?: Record<string, string | number | boolean>;
    /** Timeout in ms; default 10000, at most the script's remaining time. Fails with `HTTP_TIMEOUT`. */
    timeout?: number;
  }

  /** A response of `sdk.http`. */
  interface HttpResponse<T = any> {
    /** HTTP status code; non-2xx statuses do not reject. */
    status: number;
    /** Response headers, lower-case names. */
    headers: Record<string, string>;
    /** The body: parsed when the response is JSON, else the text (max 10 MB, `RESPONSE_TOO_LARGE`). */
    body: T;
  }

  /**
   * Outbound HTTP (`http:` and `https:` only). Requests to loopback, private, link-local,
   * CGNAT, multicast or reserved addresses and cloud metadata endpoints (also via redirects,
   * at most 10) fail with `SSRF_BLOCKED`. Objects passed as `body` are sent as JSON.
   * Limit: 60 calls per minute per script.
   */
  interface Http {
    /**
     * GET a URL.
     * @throws SdkError `SSRF_BLOCKED`, `HTTP_TIMEOUT`, `RESPONSE_TOO_LARGE`, `RATE_LIMIT`
     * @example const res = await sdk.http.get('https://api.example.com/items', { query: { page: 1 } });
     */
    get<T = any>(url: string, opts?: HttpOptions): Promise<HttpResponse<T>>;
    /**
     * DELETE a URL.
     * @throws SdkError `SSRF_BLOCKED`, `HTTP_TIMEOUT`, `RESPONSE_TOO_LARGE`, `RATE_LIMIT`
     */
    delete<T = any>(url: string, opts?: HttpOptions): Promise<HttpResponse<T>>;
    /**
     * POST a body (objects are sent as JSON).
     * @throws SdkError `SSRF_BLOCKED`, `HTTP_TIMEOUT`, `RESPONSE_TOO_LARGE`, `RATE_LIMIT`
     * @example await sdk.http.post('https://hooks.example.com/notify', { orderId: 42 });
     */
    post<T = any>(url: string, body?: unknown, opts?: HttpOptions): Promise<HttpResponse<T>>;
    /**
     * PUT a body (objects are sent as JSON).
     * @throws SdkError `SSRF_BLOCKED`, `HTTP_TIMEOUT`, `RESPONSE_TOO_LARGE`, `RATE_LIMIT`
     */
    put<T = any>(url: string, body?: unknown, opts?: HttpOptions): Promise<HttpResponse<T>>;
    /**
     * PATCH a body (objects are sent as JSON).
     * @throws SdkError `SSRF_BLOCKED`, `HTTP_TIMEOUT`, `RESPONSE_TOO_LARGE`, `RATE_LIMIT`
     */
    patch<T = any>(url: string, body?: unknown, opts?: HttpOptions): Promise<HttpResponse<T>>;
  }

  /** One row as returned by PostgreSQL: column name to value. */
  type Row = Record<string, any>;

  /** The statements available inside `sdk.db.transaction`. */
  interface DbStatements {
    /**
     * Run one SELECT (or INSERT/UPDATE/DELETE … RETURNING) and return its rows.
     * Values go in `params` as `$1, $2 …`; string literals in the SQL fail with `SQL_INJECTION`.
     * More than 1000 rows fails with `ROW_LIMIT`; each statement times out after 5 s (`QUERY_TIMEOUT`).
     * @throws SdkError `UNAUTHORIZED_SQL`, `SQL_INJECTION`, `ROW_LIMIT`, `QUERY_TIMEOUT`, `RATE_LIMIT`
     * @example const rows = await sdk.db.query('SELECT id, total FROM orders WHERE status = $1', ['open']);
     */
    query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
    /**
     * Run one statement and return its first row, or `null` when there is none.
     * Same rules as `query`.
     * @throws SdkError `UNAUTHORIZED_SQL`, `SQL_INJECTION`, `ROW_LIMIT`, `QUERY_TIMEOUT`, `RATE_LIMIT`
     */
    queryOne<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | null>;
    /**
     * Run one INSERT / UPDATE / DELETE and return the number of affected rows.
     * INSERTs get `tenant_id` automatically. Same rules as `query`.
     * @throws SdkError `UNAUTHORIZED_SQL`, `SQL_INJECTION`, `QUERY_TIMEOUT`, `RATE_LIMIT`
     * @example const n = await sdk.db.execute('UPDATE orders SET status = $1 WHERE id = $2', ['paid', id]);
     */
    execute(sql: string, params?: readonly unknown[]): Promise<number>;
  }

  /**
   * The tenant's PostgreSQL data. Exactly one SELECT / INSERT / UPDATE / DELETE per call;
   * DDL, `SET`, `COPY`, `set_config()`, `pg_sleep()`, locking clauses, system catalogs and
   * multiple statements fail with `UNAUTHORIZED_SQL`. Rows of other tenants are never visible.
   * Limit: 60 calls per minute per script.
   */
  interface Db extends DbStatements {
    /**
     * Run `fn` in a transaction: committed when the returned promise resolves, rolled back
     * when it rejects (the error is re-thrown). Use `tx`, not `sdk.db`, inside.
     * @example
     * await sdk.db.transaction(async (tx) => {
     *   await tx.execute('UPDATE stock SET qty = qty - $1 WHERE sku = $2', [1, sku]);
     *   await tx.execute('INSERT INTO moves (sku, qty) VALUES ($1, $2)', [sku, -1]);
     * });
     */
    transaction<T>(fn: (tx: DbStatements) => Promise<T>): Promise<T>;
  }

  /**
   * A key/value cache private to this script (keys are stored as
   * `tenant:{tenantId}:script:{scriptId}:{key}`). Values are JSON.
   * Limit: 120 calls per minute per script.
   */
  interface Cache {
    /** The value under `key`, or `null` when missing or expired. */
    get<T = any>(key: string): Promise<T | null>;
    /** Store a JSON value, optionally expiring after `ttlSeconds`. Resolves `true`. */
    set(key: string, value: unknown, ttlSeconds?: number): Promise<true>;
    /** Remove `key`; `true` when it existed. */
    delete(key: string): Promise<boolean>;
    /** Whether `key` exists. */
    exists(key: string): Promise<boolean>;
    /** Add `delta` (default 1) to a numeric value (missing counts as 0) and return the new value. */
    increment(key: string, delta?: number): Promise<number>;
    /** Set `key` to expire after `ttlSeconds`; `false` when the key does not exist. */
    expire(key: string, ttlSeconds: number): Promise<boolean>;
  }

  /**
   * Execution log. Synchronous and never throws. Lines are stored with the execution (at most
   * 1000 lines and 1 MB; the overflow is counted, not stored) and written to the service log.
   * Limit: 100 lines per minute per script.
   */
  interface Log {
    /** Log at debug level. */
    debug(message: string, metadata?: Record<string, unknown>): void;
    /** Log at info level. */
    info(message: string, metadata?: Record<string, unknown>): void;
    /** Log at warn level. */
    warn(message: string, metadata?: Record<string, unknown>): void;
    /** Log at error level. */
    error(message: string, metadata?: Record<string, unknown>): void;
  }

  /** The capabilities of the script runtime. */
  interface Sdk {
    /** Outbound HTTP with SSRF protection. */
    readonly http: Http;
    /** The tenant's PostgreSQL tables. */
    readonly db: Db;
    /** Per-script key/value cache. */
    readonly cache: Cache;
    /** Execution log (same as `console`). */
    readonly log: Log;
  }

  /** Publishing events to other scripts and to the host application. */
  interface Events {
    /**
     * Publish an event. `eventType` must look like `module.entity.action` (lowercase parts
     * matching `[a-z][a-z0-9_]*`), else the call fails with `INVALID_EVENT_TYPE`. The event is
     * stored durably (with `eventId`, `tenantId`, `timestamp`, `sourceScriptId`) before the
     * promise resolves. Chains of event-triggered scripts deeper than 8 fail with `EVENT_LOOP`.
     * Limit: 30 calls per minute per script.
     * @example await events.publish('sales.order.created', { orderId: 42 });
     */
    publish(eventType: string, payload?: unknown): Promise<true>;
  }

  /** `console` writes to the execution log; `console.log` logs at info level. */
  interface Console {
    /** Log at info level; arguments are joined with spaces. */
    log(...data: unknown[]): void;
    /** Log at info level. */
    info(...data: unknown[]): void;
    /** Log at warn level. */
    warn(...data: unknown[]): void;
    /** Log at error level. */
    error(...data: unknown[]): void;
    /** Log at debug level. */
    debug(...data: unknown[]): void;
  }
}

/** The current execution: tenant, user, script, input and trigger (read-only). */
declare const context: JsRuntime.Context;
/** The runtime SDK: `sdk.http`, `sdk.db`, `sdk.cache`, `sdk.log`. */
declare const sdk: JsRuntime.Sdk;
/** Publish events: `events.publish(eventType, payload)`. */
declare const events: JsRuntime.Events;
/** Writes to the execution log (same as `sdk.log`; `console.log` is info). */
declare const console: JsRuntime.Console;
