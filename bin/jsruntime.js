#!/usr/bin/env -S node --no-node-snapshot
// CLI entry point: runs the built CLI (npm run build creates dist/).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('jsruntime is not built yet: run `npm run build` first\n');
  process.exit(1);
}
const { runCli } = await import(cli.href);
await runCli(process.argv.slice(2));
