// Loopback test server for the SSRF suite: records every request it receives, on 127.0.0.1, 127.0.0.2 and ::1.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  /** The server-side address the request arrived on: proves which address the client connected to. */
  readonly localAddress: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface Recorder {
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** `http://127.0.0.1:<port><path>` (or another loopback host). */
  url(path: string, host?: string): string;
  close(): Promise<void>;
}

function json(
  res: ServerResponse,
  status: number,
  value: unknown,
  type = 'application/json',
): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(value));
}

function route(req: IncomingMessage, res: ServerResponse, body: string, port: number): void {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  const q = url.searchParams;
  switch (url.pathname) {
    case '/json':
      return json(res, 200, { hello: 'world', n: 1 });
    case '/problem':
      return json(res, 400, { title: 'bad' }, 'application/problem+json');
    case '/bad-json':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{not json');
    case '/text':
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-multi': ['a', 'b'] });
      return void res.end('plain text ✓');
    case '/echo':
      return json(res, 200, { method: req.method, url: req.url, headers: req.headers, body });
    case '/bytes': {
      const n = Number(q.get('n'));
      const headers: Record<string, string | number> = { 'content-type': 'text/plain' };
      if (q.get('declare') === '1') headers['content-length'] = n;
      res.writeHead(200, headers);
      const chunk = Buffer.alloc(64 * 1024, 97);
      let left = n;
      const pump = (): void => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    case '/status':
      res.writeHead(Number(q.get('code') ?? 200), { 'content-type': 'text/plain' });
      return void res.end(`status ${q.get('code')}`);
    case '/hang':
      return; // never answers; the client's timeout must end the request
    case '/redirect':
      res.writeHead(Number(q.get('status') ?? 302), { location: q.get('to') ?? '/' });
      return void res.end();
    case '/chain': {
      const n = Number(q.get('n'));
      if (n <= 0) return json(res, 200, { done: true });
      res.writeHead(302, { location: `/chain?n=${n - 1}` });
      return void res.end();
    }
    default:
      return json(res, 404, { error: 'no route' });
  }
}

function listen(server: Server, port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, host, () => resolve(true));
  });
}

/** Starts the recorder; it always answers `Connection: close` so every request is a new connection. */
export async function startRecorder(): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  let port = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        localAddress: req.socket.localAddress ?? '',
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      });
      res.shouldKeepAlive = false;
      route(req, res, body, port);
    });
  };
  const primary = createServer(handler);
  await listen(primary, 0, '127.0.0.1');
  port = (primary.address() as AddressInfo).port;
  const servers = [primary];
  // Same port on the other loopback addresses, so a request that slipped through would be seen.
  for (const host of ['127.0.0.2', '::1']) {
    const extra = createServer(handler);
    if (await listen(extra, port, host)) servers.push(extra);
  }
  return {
    port,
    requests,
    url: (path, host = '127.0.0.1') => `http://${host}:${port}${path}`,
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}
