// HTTPS to a checked name: the socket goes to the checked IP while SNI (and so certificate checks) keep the name.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { createHttpCapability } from '../../src/runtime/sdk/http/http-capability.js';
import { assertOnlyLoopback, ctx, rejectsWith, stagedLookup } from './fixtures.js';
import { watchSockets } from './socket-watch.js';
import type { SocketWatch } from './socket-watch.js';

let server: tls.Server;
let port: number;
let sockets: SocketWatch;
const sniNames: string[] = [];

before(async () => {
  // No certificate at all: the handshake is refused right after the ClientHello, which is all
  // this test needs to read the SNI name the client sent.
  server = tls.createServer({
    SNICallback: (name, cb) => {
      sniNames.push(name);
      cb(new Error('no certificate here'), undefined);
    },
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  sockets = watchSockets();
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assertOnlyLoopback(sockets);
  sockets.stop();
});

void test('SNI carries the name, the TCP connection the checked address, failures stay safe', async () => {
  const dns = stagedLookup({ 'secure.test': () => ['127.0.0.1'] });
  const http = createHttpCapability({ allowlist: [`127.0.0.1:${port}`], lookup: dns.lookup });
  try {
    await rejectsWith(
      http.call(ctx(), 'get', [`https://secure.test:${port}/`]),
      'HTTP_ERROR',
      /^HTTP request failed - /,
    );
    assert.deepEqual(sniNames, ['secure.test']);
    assert.deepEqual(sockets.connectedTo, ['127.0.0.1']);
    assert.deepEqual(dns.calls, ['secure.test']);

    // An IP literal sends no SNI (RFC 6066) and still only reaches the allow-listed address.
    await rejectsWith(
      http.call(ctx(), 'get', [`https://127.0.0.1:${port}/`]),
      'HTTP_ERROR',
      'HTTP request failed - TLS handshake failed',
    );
    assert.deepEqual(sniNames, ['secure.test']);
    assert.deepEqual(sockets.connectedTo, ['127.0.0.1', '127.0.0.1']);
  } finally {
    await http.close();
  }
});
