// Decides where sdk.http may connect: IP literals are checked as written, names by every address DNS returns.
import { lookup as dnsLookup } from 'node:dns/promises';
import type ipaddr from 'ipaddr.js';
import type { Allowlist } from './allowlist.js';
import { normaliseHostname } from './allowlist.js';
import { canonicalIp, nonPublicReason, parseIp } from './ip-policy.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Name resolution; injectable so tests can stage DNS answers (e.g. rebinding) without a DNS server. */
export type LookupFn = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true });

export interface BlockedTarget {
  readonly hostname: string;
  /** The address that was refused, or null when the name itself is refused (localhost). */
  readonly address: string | null;
  readonly port: number;
  readonly reason: string;
}

export type Resolution =
  | { readonly ok: true; readonly addresses: readonly string[] }
  | { readonly ok: false; readonly blocked: BlockedTarget };

/** A connection attempt the guard refused; the connector hands it to undici as the connect error. */
export class SsrfBlockedError extends Error {
  readonly blocked: BlockedTarget;

  constructor(blocked: BlockedTarget) {
    super('SSRF protection - Blocked private IP or cloud metadata endpoint');
    this.name = 'SsrfBlockedError';
    this.blocked = blocked;
  }
}

export interface EgressGuard {
  /**
   * The checks that need no DNS: IP-literal hosts and localhost names. Returns the address to
   * connect to for literals, null for names that still need resolving.
   */
  checkLiteral(hostname: string, port: number): Resolution | null;
  /** Full check: literal or every resolved address must pass; returns only checked addresses. */
  resolve(hostname: string, port: number): Promise<Resolution>;
}

export interface EgressGuardOptions {
  readonly allowlist: Allowlist;
  readonly lookup?: LookupFn;
}

function isLocalhostName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

export function createEgressGuard({
  allowlist,
  lookup = systemLookup,
}: EgressGuardOptions): EgressGuard {
  function checkAddress(
    hostname: string,
    nameAllowed: boolean,
    addr: ipaddr.IPv4 | ipaddr.IPv6,
    port: number,
  ): BlockedTarget | null {
    if (nameAllowed || allowlist.allowsAddress(addr, port)) return null;
    const reason = nonPublicReason(addr);
    return reason === null ? null : { hostname, address: canonicalIp(addr), port, reason };
  }

  function checkLiteral(hostname: string, port: number): Resolution | null {
    const ip = parseIp(hostname);
    if (ip !== null) {
      const blocked = checkAddress(hostname, false, ip, port);
      return blocked ? { ok: false, blocked } : { ok: true, addresses: [canonicalIp(ip)] };
    }
    const name = normaliseHostname(hostname);
    // RFC 6761: localhost names are loopback whatever DNS says; refuse before resolving.
    if (isLocalhostName(name) && !allowlist.allowsName(name, port)) {
      return { ok: false, blocked: { hostname, address: null, port, reason: 'localhost name' } };
    }
    return null;
  }

  return {
    checkLiteral,
    async resolve(hostname, port) {
      const literal = checkLiteral(hostname, port);
      if (literal !== null) return literal;
      const nameAllowed = allowlist.allowsName(hostname, port);
      const answers = await lookup(hostname);
      const addresses: string[] = [];
      for (const answer of answers) {
        const ip = parseIp(answer.address);
        if (ip === null) {
          return {
            ok: false,
            blocked: { hostname, address: answer.address, port, reason: 'not an IP address' },
          };
        }
        // One bad answer refuses the whole name: a mixed answer is how rebinding attacks hide.
        const blocked = checkAddress(hostname, nameAllowed, ip, port);
        if (blocked) return { ok: false, blocked };
        addresses.push(canonicalIp(ip));
      }
      if (addresses.length === 0) {
        throw Object.assign(new Error(`no addresses for ${hostname}`), { code: 'ENOTFOUND' });
      }
      return { ok: true, addresses };
    },
  };
}
