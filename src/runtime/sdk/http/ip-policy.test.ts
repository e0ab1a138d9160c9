// Unit tests for the public-unicast rule: boundaries of every blocked range and the public addresses beside them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nonPublicReason, parseIp } from './ip-policy.js';

void describe('nonPublicReason', () => {
  void test('public unicast addresses pass', () => {
    for (const ip of [
      '8.8.8.8',
      '1.1.1.1',
      '9.255.255.255',
      '11.0.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '126.255.255.255',
      '128.0.0.0',
      '169.253.255.255',
      '169.255.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '192.167.255.255',
      '192.169.0.0',
      '198.17.255.255',
      '198.20.0.0',
      '223.255.255.255',
      '2606:4700:4700::1111',
      '2a00:1450:4001::1',
      '::ffff:8.8.8.8',
      '64:ff9b::8.8.8.8',
      '2002:808:808::1',
      // Teredo: server 65.54.227.120, client ~(0xf7f7f7f7) = 8.8.8.8
      '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
    ]) {
      assert.equal(nonPublicReason(ip), null, ip);
    }
  });

  void test('range boundaries are blocked with their reason', () => {
    const cases: [string, string][] = [
      ['0.0.0.0', 'unspecified'],
      ['0.255.255.255', 'unspecified'],
      ['10.0.0.0', 'private'],
      ['10.255.255.255', 'private'],
      ['100.64.0.0', 'carrier-grade NAT'],
      ['100.127.255.255', 'carrier-grade NAT'],
      ['127.0.0.0', 'loopback'],
      ['169.254.255.255', 'link-local'],
      ['172.16.0.0', 'private'],
      ['172.31.255.255', 'private'],
      ['192.0.0.0', 'IETF protocol assignment'],
      ['192.88.99.1', '6to4 relay anycast'],
      ['192.168.255.255', 'private'],
      ['198.18.0.0', 'benchmarking'],
      ['198.19.255.255', 'benchmarking'],
      ['198.51.100.7', 'documentation'],
      ['224.0.0.0', 'multicast'],
      ['239.255.255.255', 'multicast'],
      ['240.0.0.0', 'reserved'],
      ['255.255.255.254', 'reserved'],
      ['255.255.255.255', 'broadcast'],
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['fe80::1', 'link-local'],
      ['febf:ffff::1', 'link-local'],
      ['fc00::', 'unique-local'],
      ['fdff:ffff::1', 'unique-local'],
      ['ff00::', 'multicast'],
      ['100::1', 'reserved'],
      ['64:ff9b:1::1', 'reserved'],
      ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
      ['::ffff:0:0', 'IPv4-mapped unspecified'],
      ['64:ff9b::127.0.0.1', 'NAT64 loopback'],
      ['2002:c0a8:101::1', '6to4 private'],
      ['2001:0:a00:1::1', 'Teredo private'], // server 10.0.0.1
      ['2001:db8:1::1', 'documentation'],
      ['3fff::1', 'documentation'],
      ['2001:2::1', 'IETF protocol assignment'],
      ['fe80::1%eth0', 'link-local'],
    ];
    for (const [ip, reason] of cases) assert.equal(nonPublicReason(ip), reason, ip);
  });

  void test('text that is not an IP is refused, never treated as public', () => {
    for (const text of ['example.com', '', '256.0.0.1', '1.2.3.4.5', ':::']) {
      assert.equal(nonPublicReason(text), 'not an IP address', text);
    }
  });
});

void describe('parseIp', () => {
  void test('understands the odd IPv4 notations and bracketed IPv6', () => {
    for (const [text, canonical] of [
      ['2130706433', '127.0.0.1'],
      ['0177.0.0.1', '127.0.0.1'],
      ['0x7f.1', '127.0.0.1'],
      ['127.1', '127.0.0.1'],
      ['[::1]', '::1'],
      ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ] as const) {
      assert.equal(parseIp(text)?.toString(), canonical, text);
    }
    assert.equal(parseIp('localhost'), null);
  });
});
