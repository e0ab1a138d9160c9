// Operator allow-list for sdk.http (HTTP_ALLOWLIST): names, *.suffix, IPs and CIDRs, each with an optional port.
import ipaddr from 'ipaddr.js';
import { parseIp } from './ip-policy.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

type Rule =
  | { readonly kind: 'name'; readonly name: string; readonly port: number | null }
  | { readonly kind: 'suffix'; readonly suffix: string; readonly port: number | null }
  | { readonly kind: 'cidr'; readonly range: [Address, number]; readonly port: number | null };

export interface Allowlist {
  /** True when an entry names this host (exactly, or by `*.suffix`) and port. */
  allowsName(hostname: string, port: number): boolean;
  /** True when an IP/CIDR entry covers this address and port. */
  allowsAddress(address: Address, port: number): boolean;
}

export type AllowlistResult =
  | { readonly ok: true; readonly allowlist: Allowlist }
  | { readonly ok: false; readonly error: string };

const NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** Lower-case without the trailing root dot, the form both URLs and entries are compared in. */
export function normaliseHostname(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

/** Splits `host:port`, `[v6]:port`, `[v6]`, `v6` and `host` into their parts. */
function splitPort(entry: string): { host: string; port: number | null } | string {
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']');
    if (end === -1) return 'unclosed [';
    const rest = entry.slice(end + 1);
    if (rest === '') return { host: entry.slice(1, end), port: null };
    const port = rest.startsWith(':') ? parsePort(rest.slice(1)) : null;
    return port === null ? 'bad port' : { host: entry.slice(1, end), port };
  }
  const colons = entry.split(':').length - 1;
  if (colons !== 1) return { host: entry, port: null }; // a name, IPv4, or a bare IPv6 address
  const at = entry.lastIndexOf(':');
  const port = parsePort(entry.slice(at + 1));
  return port === null ? 'bad port' : { host: entry.slice(0, at), port };
}

function parseRule(raw: string): Rule | string {
  const entry = raw.trim().toLowerCase();
  if (entry.includes('/')) {
    if (!ipaddr.isValidCIDR(entry)) return 'not a valid CIDR';
    return { kind: 'cidr', range: ipaddr.parseCIDR(entry), port: null };
  }
  const split = splitPort(entry);
  if (typeof split === 'string') return split;
  const { host, port } = split;
  if (ipaddr.IPv4.isValid(host) && !ipaddr.IPv4.isValidFourPartDecimal(host)) {
    return 'write IPv4 addresses as four decimal parts';
  }
  const ip = parseIp(host);
  if (ip !== null) {
    const bits = ip.kind() === 'ipv4' ? 32 : 128;
    return { kind: 'cidr', range: [ip, bits], port };
  }
  if (host.startsWith('*.')) {
    const suffix = normaliseHostname(host.slice(2));
    return NAME.test(suffix) ? { kind: 'suffix', suffix, port } : 'not a valid host suffix';
  }
  const name = normaliseHostname(host);
  return NAME.test(name) ? { kind: 'name', name, port } : 'not a valid host name, IP or CIDR';
}

/** IPv4-mapped IPv6 addresses match IPv4 entries: they reach the same IPv4 host. */
function unmap(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** Parses HTTP_ALLOWLIST entries; the first bad entry is reported with its reason. */
export function parseAllowlist(entries: readonly string[]): AllowlistResult {
  const rules: Rule[] = [];
  for (const raw of entries) {
    if (raw.trim() === '') continue;
    const rule = parseRule(raw);
    if (typeof rule === 'string') {
      return { ok: false, error: `Invalid HTTP allow-list entry "${raw}": ${rule}` };
    }
    rules.push(rule);
  }
  const portMatches = (rule: Rule, port: number): boolean =>
    rule.port === null || rule.port === port;
  return {
    ok: true,
    allowlist: {
      allowsName(hostname, port) {
        const name = normaliseHostname(hostname);
        return rules.some(
          (r) =>
            portMatches(r, port) &&
            ((r.kind === 'name' && r.name === name) ||
              (r.kind === 'suffix' && name.endsWith(`.${r.suffix}`))),
        );
      },
      allowsAddress(address, port) {
        const addr = unmap(address);
        return rules.some(
          (r) =>
            r.kind === 'cidr' &&
            portMatches(r, port) &&
            r.range[0].kind() === addr.kind() &&
            addr.match(r.range),
        );
      },
    },
  };
}
