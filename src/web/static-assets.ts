// Serves the built browser assets (dist/public: htmx, Monaco bundle, css, sdk.d.ts) at /assets.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';

/** src/web/ and dist/web/ are both two levels below the package root. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../dist/public/', import.meta.url));

export function staticAssets(): MiddlewareHandler {
  if (!existsSync(PUBLIC_DIR)) {
    throw new Error(`Browser assets missing at ${PUBLIC_DIR}: run \`npm run build\` first`);
  }
  return serveStatic({
    root: PUBLIC_DIR,
    precompressed: true,
    rewriteRequestPath: (path) => path.replace(/^\/assets/, ''),
    onFound: (path, c) => {
      // Content-hashed Monaco chunks can be cached for long; the rest revalidates.
      c.header(
        'Cache-Control',
        /-[A-Za-z0-9]{8}\.(js|css|ttf)$/.test(path)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      );
    },
  });
}
