// Main-process gate for a script's SDK calls: routes them to capabilities and enforces the
// per-execution cap (100 calls), the per-script minute limits and the error contract (SPEC §4).
import type { RateLimiter } from '../../cache/types.js';
import { API_CALL_LIMIT_MESSAGE } from '../guest/protocol.js';
import { noopLogger, type RuntimeLogger } from '../runtime-logger.js';
import { SdkError } from './sdk-error.js';
import type {
  Capability,
  CapabilityName,
  SdkCall,
  SdkCallContext,
  SdkHandler,
  SdkResult,
} from './types.js';

export { API_CALL_LIMIT_MESSAGE };
export const MAX_SDK_CALLS_PER_EXECUTION = 100;
export const RATE_LIMIT_MESSAGE = 'Rate limit exceeded';
const MINUTE_MS = 60_000;

/** Methods scripts can reach, per capability (host names equal the guest names). */
const METHODS: Readonly<Record<CapabilityName, ReadonlySet<string>>> = {
  http: new Set(['get', 'post', 'put', 'patch', 'delete']),
  db: new Set(['query', 'queryOne', 'execute', 'begin', 'commit', 'rollback']),
  cache: new Set(['get', 'set', 'delete', 'exists', 'increment', 'expire']),
  events: new Set(['publish']),
};

/** Ending a transaction is part of the call that began it: never counted nor rate limited. */
const UNCOUNTED = new Set(['db.commit', 'db.rollback']);
const DB_STATEMENTS = new Set(['query', 'queryOne', 'execute']);

export interface SdkCounters {
  readonly apiCallCount: number;
  readonly dbQueryCount: number;
  readonly httpCallCount: number;
}

export interface ExecutionSdk {
  /** Pass to Sandbox.run; never rejects. */
  readonly handler: SdkHandler;
  counters(): SdkCounters;
  /** End of the execution: capabilities roll back and free what is left; later calls fail. */
  release(): Promise<void>;
}

export interface SdkDispatcher {
  forExecution(
    ctx: SdkCallContext,
    limits: { readonly maxApiCallsPerMinute: number },
  ): ExecutionSdk;
}

export interface SdkDispatcherOptions {
  readonly capabilities: readonly Capability[];
  readonly rateLimiter: Pick<RateLimiter, 'consume'>;
  readonly logger?: RuntimeLogger;
}

const failure = (code: string, message: string): SdkResult => ({ ok: false, code, message });
const INTERNAL = failure('SDK_ERROR', 'Internal SDK error');
const ENDED = failure('SDK_ERROR', 'The execution has ended');

export function createSdkDispatcher(options: SdkDispatcherOptions): SdkDispatcher {
  const logger = options.logger ?? noopLogger;
  const capabilities = new Map<string, Capability>();
  for (const capability of options.capabilities) capabilities.set(capability.name, capability);

  return {
    forExecution(ctx, limits) {
      let apiCallCount = 0;
      let dbQueryCount = 0;
      let httpCallCount = 0;
      let released: Promise<void> | null = null;
      const ending = new AbortController();
      const scoped: SdkCallContext = { ...ctx, ended: ending.signal };

      const withinRateLimits = async (capability: Capability): Promise<boolean> => {
        const [api, own] = await Promise.all([
          options.rateLimiter.consume(
            `rl:${ctx.scriptId}:api`,
            limits.maxApiCallsPerMinute,
            MINUTE_MS,
          ),
          options.rateLimiter.consume(
            `rl:${ctx.scriptId}:${capability.name}`,
            capability.perMinuteLimit,
            MINUTE_MS,
          ),
        ]);
        return api.allowed && own.allowed;
      };

      const handler: SdkHandler = async (call: SdkCall): Promise<SdkResult> => {
        if (released) return ENDED;
        const capability = Object.hasOwn(METHODS, call.capability)
          ? capabilities.get(call.capability)
          : undefined;
        if (!capability)
          return failure('SDK_ERROR', `Unknown SDK capability "${String(call.capability)}"`);
        if (typeof call.method !== 'string' || !METHODS[capability.name].has(call.method)) {
          return failure(
            'SDK_ERROR',
            `Unknown SDK method "${capability.name}.${String(call.method)}"`,
          );
        }
        if (!Array.isArray(call.args))
          return failure('SDK_ERROR', 'SDK call arguments must be an array');
        const qualified = `${capability.name}.${call.method}`;
        try {
          if (!UNCOUNTED.has(qualified)) {
            if (apiCallCount >= MAX_SDK_CALLS_PER_EXECUTION) {
              return failure('API_CALL_LIMIT', API_CALL_LIMIT_MESSAGE);
            }
            apiCallCount++;
            if (capability.name === 'http') httpCallCount++;
            if (capability.name === 'db' && DB_STATEMENTS.has(call.method)) dbQueryCount++;
            if (!(await withinRateLimits(capability)))
              return failure('RATE_LIMIT', RATE_LIMIT_MESSAGE);
            // The execution may have ended while the limits were checked (a Redis round trip).
            if (released) return ENDED;
          }
          return { ok: true, value: await capability.call(scoped, call.method, call.args) };
        } catch (err) {
          if (err instanceof SdkError) return failure(err.code, err.message);
          logger.error(
            { err, executionId: ctx.executionId, scriptId: ctx.scriptId, call: qualified },
            'SDK call failed unexpectedly',
          );
          return INTERNAL;
        }
      };

      return {
        handler,
        counters: () => ({ apiCallCount, dbQueryCount, httpCallCount }),
        release() {
          if (!released) ending.abort();
          released ??= Promise.all(
            [...capabilities.values()].map(async (capability) => {
              try {
                await capability.release?.(scoped);
              } catch (err) {
                logger.error(
                  { err, executionId: ctx.executionId, capability: capability.name },
                  'SDK capability release failed',
                );
              }
            }),
          ).then(() => undefined);
          return released;
        },
      };
    },
  };
}
