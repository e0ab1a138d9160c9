// sdk.http host side: outbound HTTP for scripts with SSRF protection, redirects re-checked, size and time caps.
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { SdkError } from '../sdk-error.js';
import type { Capability, SdkCallContext } from '../types.js';
import { parseAllowlist } from './allowlist.js';
import type { BlockedTarget, LookupFn } from './egress-guard.js';
import { createEgressGuard, SsrfBlockedError } from './egress-guard.js';
import { createGuardedConnector } from './guarded-connector.js';
import { httpErrorMessage } from './http-error-message.js';
import type { HttpResponse } from './read-response.js';
import { discardBody, readResponse } from './read-response.js';
import type { EncodedBody } from './request-options.js';
import { encodeBody, parseHttpUrl, parseOptions } from './request-options.js';

export const SSRF_MESSAGE = 'SSRF protection - Blocked private IP or cloud metadata endpoint';

/** What the metrics/log hook learns about a refused request (no path or query: they may hold secrets). */
export interface HttpBlockedInfo extends BlockedTarget {
  readonly tenantId: string;
  readonly scriptId: string;
  readonly executionId: string;
}

export interface HttpCapabilityOptions {
  /** HTTP_ALLOWLIST entries: `host`, `*.suffix`, IPs, CIDRs, each optionally `:port` (not CIDRs). */
  readonly allowlist?: readonly string[];
  readonly defaultTimeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly maxRequestBytes?: number;
  readonly maxRedirects?: number;
  /** Called once per refused request (SSRF metric). */
  readonly onBlocked?: (info: HttpBlockedInfo) => void;
  /** Name resolution override, for tests that stage DNS answers. */
  readonly lookup?: LookupFn;
}

export interface HttpCapability extends Capability {
  /** Closes pooled connections; call at shutdown. */
  close(): Promise<void>;
}

type Verb = 'GET' | 'DELETE' | 'POST' | 'PUT' | 'PATCH';

const METHODS: Readonly<Record<string, { verb: Verb; hasBody: boolean }>> = {
  get: { verb: 'GET', hasBody: false },
  delete: { verb: 'DELETE', hasBody: false },
  post: { verb: 'POST', hasBody: true },
  put: { verb: 'PUT', hasBody: true },
  patch: { verb: 'PATCH', hasBody: true },
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const ended = (): SdkError => new SdkError('SDK_ERROR', 'The execution has ended');
// Credentials are for the origin the script named; a redirect elsewhere must not carry them.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

interface Hop {
  url: URL;
  verb: Verb;
  headers: Record<string, string>;
  body: EncodedBody | null;
}

export function createHttpCapability(options: HttpCapabilityOptions = {}): HttpCapability {
  const {
    defaultTimeoutMs = 10_000,
    maxResponseBytes = 10 * 1024 * 1024,
    maxRequestBytes = 10 * 1024 * 1024,
    maxRedirects = 10,
    onBlocked,
    lookup,
  } = options;
  const parsed = parseAllowlist(options.allowlist ?? []);
  // Config validates HTTP_ALLOWLIST with parseAllowlist first; reaching this is a wiring bug.
  if (!parsed.ok) throw new Error(parsed.error);
  const guard = createEgressGuard({ allowlist: parsed.allowlist, lookup });
  const agent = new Agent({ connect: createGuardedConnector({ guard }) });

  function blocked(ctx: SdkCallContext, target: BlockedTarget): SdkError {
    onBlocked?.({
      ...target,
      tenantId: ctx.tenantId,
      scriptId: ctx.scriptId,
      executionId: ctx.executionId,
    });
    return new SdkError('SSRF_BLOCKED', SSRF_MESSAGE);
  }

  async function send(hop: Hop, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    const headers = { ...hop.headers };
    if (hop.body && headers['content-type'] === undefined) {
      headers['content-type'] = hop.body.contentType;
    }
    return request(hop.url, {
      dispatcher: agent,
      method: hop.verb,
      headers,
      body: hop.body?.data ?? null,
      signal,
    });
  }

  /** The next hop of a redirect, or null when the response is final. */
  function redirectTarget(hop: Hop, response: Dispatcher.ResponseData): Hop | null {
    const location = response.headers.location;
    if (!REDIRECTS.has(response.statusCode) || typeof location !== 'string') return null;
    let resolved: URL;
    try {
      resolved = new URL(location, hop.url);
    } catch {
      throw new SdkError('HTTP_ERROR', 'HTTP request failed - invalid redirect location');
    }
    const url = parseHttpUrl(resolved.href, 'redirect URL');
    const headers = { ...hop.headers };
    if (url.origin !== hop.url.origin) {
      for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
    }
    // 301/302/303 turn into a GET without body (what browsers do); 307/308 repeat the request.
    if (response.statusCode <= 303) {
      delete headers['content-type'];
      return { url, verb: 'GET', headers, body: null };
    }
    return { ...hop, url, headers };
  }

  async function fetchFollowing(
    ctx: SdkCallContext,
    first: Hop,
    signal: AbortSignal,
  ): Promise<HttpResponse> {
    let hop = first;
    for (let redirects = 0; ; redirects++) {
      const port = Number(hop.url.port) || (hop.url.protocol === 'https:' ? 443 : 80);
      // Literals and localhost names are refused before undici sees them; names are checked by
      // the connector against every address DNS returns.
      const literal = guard.checkLiteral(hop.url.hostname, port);
      if (literal && !literal.ok) throw blocked(ctx, literal.blocked);
      const response = await send(hop, signal);
      let next: Hop | null;
      try {
        next = redirectTarget(hop, response);
      } catch (err) {
        discardBody(response.body); // refused redirect: free the connection now
        throw err;
      }
      if (next === null) return readResponse(response, maxResponseBytes);
      await response.body.dump({ limit: 64 * 1024, signal }).catch(() => {});
      if (redirects >= maxRedirects) {
        throw new SdkError('TOO_MANY_REDIRECTS', `Too many redirects - more than ${maxRedirects}`);
      }
      hop = next;
    }
  }

  return {
    name: 'http',
    perMinuteLimit: 60,

    async call(ctx, method, args) {
      const spec = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
      if (!spec) throw new SdkError('INVALID_ARGUMENT', `Unknown http method "${method}"`);
      const url = parseHttpUrl(args[0]);
      const body = spec.hasBody ? encodeBody(args[1], maxRequestBytes) : null;
      const opts = parseOptions(spec.hasBody ? args[2] : args[1], url);
      const remaining = Math.max(0, Math.floor(ctx.deadline - Date.now()));
      const timeoutMs = Math.min(opts.timeout ?? defaultTimeoutMs, remaining);
      const timedOut = (): SdkError =>
        new SdkError('HTTP_TIMEOUT', `HTTP request timed out after ${timeoutMs} ms`);
      if (timeoutMs <= 0) throw timedOut();

      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      // The end of the execution aborts a request still in flight.
      const signal = ctx.ended
        ? AbortSignal.any([controller.signal, ctx.ended])
        : controller.signal;
      try {
        if (ctx.ended?.aborted === true) throw ended();
        return await fetchFollowing(
          ctx,
          { url, verb: spec.verb, headers: opts.headers, body },
          signal,
        );
      } catch (err) {
        if (err instanceof SdkError) throw err;
        if (err instanceof SsrfBlockedError) throw blocked(ctx, err.blocked);
        if (ctx.ended?.aborted === true) throw ended();
        if (controller.signal.aborted) throw timedOut();
        throw new SdkError('HTTP_ERROR', httpErrorMessage(err));
      } finally {
        clearTimeout(timer);
      }
    },

    async close() {
      await agent.close();
    },
  };
}
