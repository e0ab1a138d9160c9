// The hook benchmark's baseline: a plain Hono app on @hono/node-server answering every
// /hooks/{tenant}/{path} with the JSON the benchmarked script returns. Prints its port.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.all('/hooks/:tenant/*', (c) => c.json({ ok: true }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
