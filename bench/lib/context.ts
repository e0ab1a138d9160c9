// What every benchmark gets from the runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import type { DatabaseServer } from './databases.js';
import type { Dist } from './dist.js';
import type { Report } from './report.js';

export interface BenchContext {
  readonly dist: Dist;
  readonly db: DatabaseServer;
  /** REDIS_URL for the runtime, or null to run with in-process limiters and cache. */
  readonly redisUrl: string | null;
  readonly report: Report;
  /** Smaller counts and durations (a smoke run of the harness, not a measurement). */
  readonly quick: boolean;
  /** Extra node flags for the service processes (--profile: CPU profiles into bench/out/profiles). */
  readonly serviceNodeFlags: readonly string[];
  /** Whether benchmark `id` (e.g. "A2") was selected with --only. */
  wants(id: string): boolean;
  log(message: string): void;
}

/** A temp dir removed at cleanup. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `jsruntime-bench-${label}-`));
  onCleanup(`remove ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
