// undici connector that connects only to addresses the egress guard has just checked (no DNS rebinding window).
import { buildConnector } from 'undici';
import type { EgressGuard } from './egress-guard.js';
import { SsrfBlockedError } from './egress-guard.js';

export interface GuardedConnectorOptions {
  readonly guard: EgressGuard;
  /** TCP/TLS connect timeout per address (undici's default is 10 s). */
  readonly connectTimeoutMs?: number;
}

/**
 * Resolves and checks the host itself, then hands undici's own connector the checked IP address
 * as `hostname`. Node therefore never resolves the name again, so the address connected to is the
 * address checked. TLS still verifies the certificate against the original name: undici derives
 * SNI/servername from the request's `host`, not from `hostname`.
 */
export function createGuardedConnector({
  guard,
  connectTimeoutMs = 10_000,
}: GuardedConnectorOptions): buildConnector.connector {
  const connectTo = buildConnector({ timeout: connectTimeoutMs });
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    guard.resolve(options.hostname, port).then(
      (resolution) => {
        if (!resolution.ok) {
          callback(new SsrfBlockedError(resolution.blocked), null);
          return;
        }
        const addresses = resolution.addresses;
        // Try the checked addresses in DNS order; any failure moves on to the next one.
        const attempt = (index: number): void => {
          connectTo({ ...options, hostname: addresses[index] ?? '' }, (...result) => {
            if (result[0] !== null && index + 1 < addresses.length) attempt(index + 1);
            else callback(...result);
          });
        };
        attempt(0);
      },
      (err: unknown) => {
        callback(err instanceof Error ? err : new Error(String(err)), null);
      },
    );
  };
}
