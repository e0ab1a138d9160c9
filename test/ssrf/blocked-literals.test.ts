// SSRF: IP-literal and localhost hosts in every notation are refused before any socket is opened.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHttpCapability } from '../../src/runtime/sdk/http/http-capability.js';
import type {
  HttpBlockedInfo,
  HttpCapability,
} from '../../src/runtime/sdk/http/http-capability.js';
import { assertBlocked, assertOnlyLoopback, ctx } from './fixtures.js';
import type { BlockProbe } from './fixtures.js';
import { startRecorder } from './recorder.js';
import type { Recorder } from './recorder.js';
import { watchSockets } from './socket-watch.js';
import type { SocketWatch } from './socket-watch.js';

let recorder: Recorder;
let sockets: SocketWatch;
let http: HttpCapability;
let probe: BlockProbe;
const blocked: HttpBlockedInfo[] = [];

before(async () => {
  recorder = await startRecorder();
  sockets = watchSockets();
  http = createHttpCapability({ onBlocked: (info) => blocked.push(info) });
  probe = { recorder, sockets, blocked };
});

after(async () => {
  await http.close();
  await recorder.close();
  assertOnlyLoopback(sockets);
  assert.equal(sockets.created(), 0, 'no case in this file may open a socket');
  sockets.stop();
});

// [label, host part of the URL, expected reason]. Loopback cases aim at the recorder's real port,
// so a leak would be recorded; the others would leave the machine, so no socket may be created.
const CASES: readonly (readonly [string, string, string])[] = [
  ['loopback 127.0.0.1', '127.0.0.1', 'loopback'],
  ['loopback 127.0.0.2', '127.0.0.2', 'loopback'],
  ['loopback 127.255.255.254', '127.255.255.254', 'loopback'],
  ['IPv6 loopback [::1]', '[::1]', 'loopback'],
  ['IPv6 loopback long form', '[0:0:0:0:0:0:0:1]', 'loopback'],
  ['decimal 2130706433', '2130706433', 'loopback'],
  ['octal 0177.0.0.1', '0177.0.0.1', 'loopback'],
  ['hex 0x7f.1', '0x7f.1', 'loopback'],
  ['hex 0x7f000001', '0x7f000001', 'loopback'],
  ['dotted hex 0x7f.0x0.0x0.0x1', '0x7f.0x0.0x0.0x1', 'loopback'],
  ['short 127.1', '127.1', 'loopback'],
  ['trailing dot 127.0.0.1.', '127.0.0.1.', 'loopback'],
  ['percent-encoded %31%32%37.0.0.1', '%31%32%37.0.0.1', 'loopback'],
  ['IPv4-mapped [::ffff:127.0.0.1]', '[::ffff:127.0.0.1]', 'IPv4-mapped loopback'],
  ['IPv4-mapped hex [::ffff:7f00:1]', '[::ffff:7f00:1]', 'IPv4-mapped loopback'],
  ['IPv4-mapped private [::ffff:10.0.0.1]', '[::ffff:10.0.0.1]', 'IPv4-mapped private'],
  ['IPv4-compatible [::127.0.0.1]', '[::127.0.0.1]', 'reserved'],
  ['localhost', 'localhost', 'localhost name'],
  ['LOCALHOST. (case, trailing dot)', 'LOCALHOST.', 'localhost name'],
  ['sub.localhost', 'api.localhost', 'localhost name'],
  ['IDN-folded localhost (circled letters)', 'ⓛⓞⓒⓐⓛⓗⓞⓢⓣ', 'localhost name'],
  [
    'IPv4-mapped metadata [::ffff:169.254.169.254]',
    '[::ffff:169.254.169.254]',
    'IPv4-mapped link-local',
  ],
  ['unspecified 0.0.0.0', '0.0.0.0', 'unspecified'],
  ['unspecified 0', '0', 'unspecified'],
  ['IPv6 unspecified [::]', '[::]', 'unspecified'],
  ['private 10.0.0.1', '10.0.0.1', 'private'],
  ['private 10.255.255.255', '10.255.255.255', 'private'],
  ['private 172.16.0.1', '172.16.0.1', 'private'],
  ['private 172.31.255.254', '172.31.255.254', 'private'],
  ['private 192.168.1.1', '192.168.1.1', 'private'],
  ['link-local 169.254.0.1', '169.254.0.1', 'link-local'],
  ['metadata 169.254.169.254', '169.254.169.254', 'link-local'],
  ['ECS metadata 169.254.170.2', '169.254.170.2', 'link-local'],
  ['Alibaba metadata 100.100.100.200', '100.100.100.200', 'carrier-grade NAT'],
  ['Oracle metadata 192.0.0.192', '192.0.0.192', 'IETF protocol assignment'],
  ['AWS IPv6 metadata [fd00:ec2::254]', '[fd00:ec2::254]', 'unique-local'],
  ['CGNAT 100.64.0.1', '100.64.0.1', 'carrier-grade NAT'],
  ['multicast 224.0.0.1', '224.0.0.1', 'multicast'],
  ['multicast 239.255.255.250', '239.255.255.250', 'multicast'],
  ['IPv6 multicast [ff02::1]', '[ff02::1]', 'multicast'],
  ['broadcast 255.255.255.255', '255.255.255.255', 'broadcast'],
  ['reserved 240.0.0.1', '240.0.0.1', 'reserved'],
  ['benchmarking 198.18.0.1', '198.18.0.1', 'benchmarking'],
  ['documentation 192.0.2.1', '192.0.2.1', 'documentation'],
  ['documentation 203.0.113.9', '203.0.113.9', 'documentation'],
  ['IPv6 documentation [2001:db8::1]', '[2001:db8::1]', 'documentation'],
  ['IPv6 link-local [fe80::1]', '[fe80::1]', 'link-local'],
  ['IPv6 unique-local [fc00::1]', '[fc00::1]', 'unique-local'],
  ['IPv6 site-local [fec0::1]', '[fec0::1]', 'site-local'],
  ['NAT64 of 10.0.0.1 [64:ff9b::10.0.0.1]', '[64:ff9b::10.0.0.1]', 'NAT64 private'],
  ['NAT64 of 169.254.169.254', '[64:ff9b::a9fe:a9fe]', 'NAT64 link-local'],
  ['6to4 of 10.0.0.1 [2002:a00:1::1]', '[2002:a00:1::1]', '6to4 private'],
  ['6to4 of 127.0.0.1 [2002:7f00:1::]', '[2002:7f00:1::]', '6to4 loopback'],
  ['Teredo client 127.0.0.1', '[2001:0:4136:e378:8000:63bf:80ff:fffe]', 'Teredo loopback'],
];

void describe('IP literals and localhost names are SSRF_BLOCKED', () => {
  for (const [label, host, reason] of CASES) {
    void test(label, async () => {
      const url = `http://${host}:${recorder.port}/latest/meta-data/`;
      const info = await assertBlocked(probe, () => http.call(ctx(), 'get', [url]));
      assert.equal(info.reason, reason);
      assert.equal(info.port, recorder.port);
      assert.equal(info.tenantId, 'tenant-a');
    });
  }

  void test('https: is checked the same way', async () => {
    await assertBlocked(probe, () =>
      http.call(ctx(), 'get', [`https://127.0.0.1:${recorder.port}/`]),
    );
  });

  void test('every verb is checked, with or without a body', async () => {
    for (const [method, args] of [
      ['post', [{ a: 1 }]],
      ['put', ['text']],
      ['patch', [null]],
      ['delete', []],
    ] as const) {
      await assertBlocked(probe, () =>
        http.call(ctx(), method, [`http://169.254.169.254/latest`, ...args]),
      );
    }
  });

  void test('default ports are reported', async () => {
    const info = await assertBlocked(probe, () =>
      http.call(ctx(), 'get', ['https://169.254.169.254/']),
    );
    assert.equal(info.port, 443);
    assert.equal(info.address, '169.254.169.254');
  });
});
