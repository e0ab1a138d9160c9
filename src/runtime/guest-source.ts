// Builds the guest bootstrap (src/runtime/guest/*.ts) into one script text, once per process.
// Bundled at runtime with esbuild so there is no generated file to keep in sync; in a build
// output the guest folder sits beside this module as .js files and is bundled the same way.
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * A script whose completion value is the guest `install` function. Strict mode throughout, so
 * `arguments.callee` / `fn.caller` on SDK functions throw instead of leaking anything.
 */
export function guestSource(): string {
  if (cached !== undefined) return cached;
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = fileURLToPath(new URL(`./guest/index${extension}`, import.meta.url));
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__jsruntimeGuest',
    platform: 'neutral',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('guest bundle produced no output');
  cached = `(function () {\n'use strict';\n${text}\nreturn __jsruntimeGuest.install;\n})()`;
  return cached;
}
