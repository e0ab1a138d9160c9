// Which IP addresses sdk.http may connect to: public unicast only; everything else gets a reason.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = readonly [Address, number, string];

function ranges(list: readonly (readonly [string, string])[]): Range[] {
  return list.map(([cidr, reason]) => {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    return [addr, bits, reason] as const;
  });
}

// IANA special-purpose IPv4 blocks plus the cloud-metadata neighbourhoods. Order matters only for
// the reason reported (broadcast before the reserved 240/4 that contains it).
const V4_BLOCKED = ranges([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'], // includes Alibaba Cloud metadata 100.100.100.200
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'], // includes 169.254.169.254 and ECS 169.254.170.2
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignment'], // includes Oracle Cloud 192.0.0.192
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

// Inside global unicast 2000::/3, the parts that are not public destinations. Teredo (2001::/32)
// is decided by its embedded IPv4 addresses before this list is consulted.
const V6_BLOCKED_GLOBAL = ranges([
  ['2001::/23', 'IETF protocol assignment'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
]);

// ipaddr.js range names outside 2000::/3, in the words used for IPv4 reasons.
const V6_RANGE_NAMES: Readonly<Record<string, string>> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  multicast: 'multicast',
  deprecatedSiteLocal: 'site-local',
};

const V6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const V6_MAPPED = ipaddr.parseCIDR('::ffff:0:0/96');
const V6_NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const V6_6TO4 = ipaddr.parseCIDR('2002::/16');
const V6_TEREDO = ipaddr.parseCIDR('2001::/32');

function find(addr: Address, list: readonly Range[]): string | null {
  for (const [range, bits, reason] of list) {
    if (addr.kind() === range.kind() && addr.match(range, bits)) return reason;
  }
  return null;
}

function v4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function v4Reason(addr: ipaddr.IPv4): string | null {
  return find(addr, V4_BLOCKED);
}

function v6Reason(addr: ipaddr.IPv6): string | null {
  const p = addr.parts;
  // Encodings that carry an IPv4 destination inside IPv6: judged by the IPv4 they reach.
  if (addr.match(V6_MAPPED)) return wrapped('IPv4-mapped', addr.toIPv4Address());
  if (addr.match(V6_NAT64)) return wrapped('NAT64', v4FromParts(p[6] ?? 0, p[7] ?? 0));
  if (addr.match(V6_6TO4)) return wrapped('6to4', v4FromParts(p[1] ?? 0, p[2] ?? 0));
  if (addr.match(V6_TEREDO)) {
    const server = v4FromParts(p[2] ?? 0, p[3] ?? 0);
    // Teredo stores the client address with every bit inverted.
    const client = v4FromParts(~(p[6] ?? 0) & 0xffff, ~(p[7] ?? 0) & 0xffff);
    return wrapped('Teredo', server) ?? wrapped('Teredo', client);
  }
  if (!addr.match(V6_GLOBAL_UNICAST)) return V6_RANGE_NAMES[addr.range()] ?? 'reserved';
  return find(addr, V6_BLOCKED_GLOBAL);
}

function wrapped(kind: string, v4: ipaddr.IPv4): string | null {
  const reason = v4Reason(v4);
  return reason === null ? null : `${kind} ${reason}`;
}

/** Parses an IP address in any notation ipaddr.js knows (incl. 0x7f.1, 2130706433, [::1]). */
export function parseIp(text: string): Address | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare)) return null;
  return ipaddr.parse(bare);
}

/**
 * Why an address is not a public unicast destination, or null when it is public.
 * Anything that does not parse as an IP is refused ('not an IP address').
 */
export function nonPublicReason(ip: string | Address): string | null {
  const addr = typeof ip === 'string' ? parseIp(ip) : ip;
  if (addr === null) return 'not an IP address';
  return addr.kind() === 'ipv4' ? v4Reason(addr as ipaddr.IPv4) : v6Reason(addr as ipaddr.IPv6);
}

/** Canonical text of an address (the form handed to the socket layer). */
export function canonicalIp(addr: Address): string {
  return addr.toString();
}
