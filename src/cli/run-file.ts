// `jsruntime run FILE`: runs a local script in the same sandbox with the same SDK as the service
// (as tenant --tenant, default "default"), and prints its logs and output.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Config } from '../config.js';
import { DEFAULT_LIMITS } from '../domain/script.js';
import { createMetrics } from '../lib/metrics.js';
import { compileScript } from '../runtime/compile.js';
import { simpleTrigger } from '../runtime/run-request.js';
import { createEngine } from '../engine.js';
import { withDatabase } from './with-database.js';
import { findTenantBySlug } from '../store/tenants.js';

export interface RunFileOptions {
  readonly input?: string;
  readonly tenant?: string;
  readonly timeoutMs?: number;
}

/** Returns the process exit code: 0 when the script completed. */
export async function runFile(
  file: string,
  options: RunFileOptions,
  config: Config,
): Promise<number> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    process.stderr.write(`Cannot read ${file}\n`);
    return 2;
  }
  let input: unknown = {};
  if (options.input) {
    try {
      input = JSON.parse(options.input);
    } catch {
      process.stderr.write('--input must be valid JSON\n');
      return 2;
    }
  }
  const language = ['.ts', '.mts', '.cts'].includes(extname(file)) ? 'typescript' : 'javascript';
  const compiled = await compileScript(source, language);
  if (!compiled.ok) {
    for (const e of compiled.errors)
      process.stderr.write(`${file}:${e.line}:${e.column}: ${e.message}\n`);
    return 1;
  }
  return withDatabase(
    config,
    async (db, logger) => {
      const slug = options.tenant ?? 'default';
      const tenant = await findTenantBySlug(db.pool, slug);
      if (!tenant) {
        process.stderr.write(
          `Tenant "${slug}" not found (create it with: jsruntime tenant create ${slug})\n`,
        );
        return 2;
      }
      const engine = await createEngine({
        config: { ...config, sandboxProcesses: 1 },
        pool: db.pool,
        databaseUrl: db.url,
        logger,
        metrics: createMetrics(),
      });
      try {
        // A stable id per file: cache keys and rate limits of repeated runs line up.
        const h = createHash('sha256').update(resolve(file)).digest('hex');
        const scriptId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
        const answer = await engine.executor.execute(
          {
            tenantId: tenant.id,
            organizationId: null,
            scriptId,
            scriptName: file,
            version: 1,
            code: compiled.code,
            sourceMap: compiled.sourceMap,
            lineOffset: compiled.lineOffset,
            limits: {
              ...DEFAULT_LIMITS,
              maxExecutionTimeMs: options.timeoutMs ?? DEFAULT_LIMITS.maxExecutionTimeMs,
            },
          },
          {
            trigger: simpleTrigger('manual'),
            input,
            userId: null,
            record: false,
          },
        );
        if (!answer.ran) {
          process.stderr.write('Busy: too many executions running\n');
          return 1;
        }
        const r = answer.result;
        for (const line of r.logs) {
          const meta = line.metadata === undefined ? '' : ` ${JSON.stringify(line.metadata)}`;
          process.stderr.write(`[${line.level}] ${line.message}${meta}\n`);
        }
        if (r.logsDropped > 0) process.stderr.write(`(${r.logsDropped} more log lines dropped)\n`);
        if (r.status === 'completed') {
          process.stdout.write(`${JSON.stringify(r.output, null, 2)}\n`);
          return 0;
        }
        const where = r.error?.line
          ? ` at ${file}:${r.error.line}${r.error.column ? `:${r.error.column}` : ''}`
          : '';
        process.stderr.write(`${r.status}: ${r.error?.code} ${r.error?.message}${where}\n`);
        return 1;
      } finally {
        await engine.close();
      }
    },
    4,
  );
}
