// Unit tests for HTTP_ALLOWLIST parsing and matching.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ipaddr from 'ipaddr.js';
import { parseAllowlist } from './allowlist.js';
import type { Allowlist } from './allowlist.js';

function allow(entries: string[]): Allowlist {
  const parsed = parseAllowlist(entries);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.allowlist;
}

const ip = (text: string) => ipaddr.parse(text);

void describe('parseAllowlist', () => {
  void test('IPv4 with and without port', () => {
    const list = allow(['10.0.0.5', '10.0.0.6:8080']);
    assert.ok(list.allowsAddress(ip('10.0.0.5'), 1));
    assert.ok(list.allowsAddress(ip('10.0.0.6'), 8080));
    assert.ok(!list.allowsAddress(ip('10.0.0.6'), 8081));
    assert.ok(!list.allowsAddress(ip('10.0.0.7'), 8080));
    // IPv4-mapped IPv6 reaches the same IPv4 host, so it matches the IPv4 entry.
    assert.ok(list.allowsAddress(ip('::ffff:10.0.0.5'), 1));
  });

  void test('IPv6 bare, bracketed with port, and CIDRs', () => {
    const list = allow(['::1', '[fd00::1]:443', 'fd12::/16', '192.168.0.0/24']);
    assert.ok(list.allowsAddress(ip('::1'), 80));
    assert.ok(list.allowsAddress(ip('fd00::1'), 443));
    assert.ok(!list.allowsAddress(ip('fd00::1'), 80));
    assert.ok(list.allowsAddress(ip('fd12:ffff::9'), 80));
    assert.ok(!list.allowsAddress(ip('fd13::1'), 80));
    assert.ok(list.allowsAddress(ip('192.168.0.200'), 80));
    assert.ok(!list.allowsAddress(ip('192.168.1.1'), 80));
  });

  void test('names exact (case and root dot insensitive), suffixes for sub-domains only', () => {
    const list = allow(['Api.Internal', '*.svc.cluster.local:8443']);
    assert.ok(list.allowsName('api.internal', 80));
    assert.ok(list.allowsName('API.INTERNAL.', 443));
    assert.ok(!list.allowsName('x.api.internal', 80));
    assert.ok(!list.allowsName('api.internal.evil', 80));
    assert.ok(list.allowsName('db.svc.cluster.local', 8443));
    assert.ok(list.allowsName('a.b.svc.cluster.local', 8443));
    assert.ok(!list.allowsName('db.svc.cluster.local', 80));
    assert.ok(!list.allowsName('svc.cluster.local', 8443));
    assert.ok(!list.allowsName('evilsvc.cluster.local', 8443));
    // Names never open addresses and vice versa.
    assert.ok(!list.allowsAddress(ip('127.0.0.1'), 80));
    assert.ok(!allow(['127.0.0.1']).allowsName('127.0.0.1', 80));
  });

  void test('blank entries are ignored; bad entries are reported', () => {
    assert.ok(parseAllowlist(['', '  ']).ok);
    for (const bad of [
      '10.0.0.0/40',
      'a b',
      '*.',
      'host:0',
      'host:70000',
      '[::1',
      '[::1]x',
      '0x7f.1',
    ]) {
      const parsed = parseAllowlist([bad]);
      assert.equal(parsed.ok, false, bad);
      if (!parsed.ok) assert.match(parsed.error, /^Invalid HTTP allow-list entry/);
    }
  });
});
