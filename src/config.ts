// The only reader of process.env: merges environment and CLI flags, validates, freezes.
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';

export type NodeRole = 'web' | 'worker' | 'all';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** External PostgreSQL; null = start the embedded server under dataDir/postgres. */
  readonly databaseUrl: string | null;
  readonly embeddedPostgresPort: number;
  /** Redis for cache and rate limits across nodes; null = in-process memory. */
  readonly redisUrl: string | null;
  readonly adminPassword: string | null;
  readonly adminToken: string | null;
  /** Hosts or CIDRs sdk.http may reach even when private. */
  readonly httpAllowlist: readonly string[];
  readonly logLevel: LogLevel;
  readonly role: NodeRole;
  readonly nodeId: string;
  readonly sandboxProcesses: number;
  readonly tenantMaxConcurrency: number;
  readonly executionRetentionDays: number;
  readonly deadLetterRetentionDays: number;
  readonly shutdownGraceMs: number;
  /** Trust X-Forwarded-Proto/-For from a reverse proxy (Secure cookies behind https). */
  readonly trustProxy: boolean;
  readonly sessionTtlHours: number;
  /** Requests per minute one HTTP-triggered script accepts before 429. */
  readonly hookRequestsPerMinute: number;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  readonly redisKeyPrefix: string;
  /** Jobs one worker node runs at once (queue concurrency). */
  readonly queueConcurrency: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Source = Readonly<Record<string, string | undefined>>;

/** CLI flag → environment variable it overrides. */
const FLAGS: Record<string, string> = {
  port: 'PORT',
  host: 'HOST',
  'data-dir': 'DATA_DIR',
  'database-url': 'DATABASE_URL',
  'redis-url': 'REDIS_URL',
  role: 'JSRUNTIME_ROLE',
  'log-level': 'LOG_LEVEL',
  'node-id': 'NODE_ID',
};

/** Parses `--name value` and `--name=value` flags into environment-variable names. */
export function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`Unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const envName = FLAGS[name];
    if (!envName) {
      throw new ConfigError(
        `Unknown flag --${name} (known: ${Object.keys(FLAGS)
          .map((f) => `--${f}`)
          .join(', ')})`,
      );
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`Flag --${name} needs a value`);
    out[envName] = value;
  }
  return out;
}

function int(src: Source, name: string, def: number, min: number, max: number): number {
  const raw = src[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(src: Source, name: string, def: boolean): boolean {
  const raw = src[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return def;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${src[name]}"`);
}

function url(src: Source, name: string, protocols: string[]): string | null {
  const raw = src[name]?.trim();
  if (!raw) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function oneOf<T extends string>(src: Source, name: string, values: readonly T[], def: T): T {
  const raw = src[name]?.trim();
  if (!raw) return def;
  if (!(values as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function prefix(src: Source, name: string, def: string): string {
  const raw = src[name]?.trim();
  if (!raw) return def;
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(raw)) {
    throw new ConfigError(`${name} may only contain letters, digits and : _ . - (at most 64)`);
  }
  return raw;
}

export function loadConfig(env: Source = process.env, argv: readonly string[] = []): Config {
  const src: Source = { ...env, ...flagsToEnv(argv) };
  const adminPassword = src.JSRUNTIME_ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 8) {
    throw new ConfigError('JSRUNTIME_ADMIN_PASSWORD must be at least 8 characters');
  }
  const adminToken = src.JSRUNTIME_ADMIN_TOKEN || null;
  if (adminToken !== null && adminToken.length < 24) {
    throw new ConfigError('JSRUNTIME_ADMIN_TOKEN must be at least 24 characters');
  }
  const allowlist = (src.HTTP_ALLOWLIST ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of allowlist) {
    if (!/^[A-Za-z0-9.*:\-[\]/]+$/.test(entry)) {
      throw new ConfigError(`HTTP_ALLOWLIST entry "${entry}" is not a host, IP or CIDR`);
    }
  }
  const config: Config = {
    port: int(src, 'PORT', 3000, 0, 65535),
    host: src.HOST?.trim() || '0.0.0.0',
    dataDir: resolve(src.DATA_DIR?.trim() || './data'),
    databaseUrl: url(src, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    embeddedPostgresPort: int(src, 'EMBEDDED_POSTGRES_PORT', 54329, 1, 65535),
    redisUrl: url(src, 'REDIS_URL', ['redis:', 'rediss:']),
    adminPassword,
    adminToken,
    httpAllowlist: Object.freeze(allowlist),
    logLevel: oneOf(
      src,
      'LOG_LEVEL',
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
      'info',
    ),
    role: oneOf(src, 'JSRUNTIME_ROLE', ['web', 'worker', 'all'], 'all'),
    nodeId: src.NODE_ID?.trim() || `${hostname()}-${process.pid}`,
    sandboxProcesses: int(src, 'SANDBOX_PROCESSES', Math.max(1, availableParallelism()), 1, 64),
    tenantMaxConcurrency: int(src, 'TENANT_MAX_CONCURRENCY', 10, 1, 1000),
    executionRetentionDays: int(src, 'EXECUTION_RETENTION_DAYS', 90, 1, 3650),
    deadLetterRetentionDays: int(src, 'DEAD_LETTER_RETENTION_DAYS', 30, 1, 3650),
    shutdownGraceMs: int(src, 'SHUTDOWN_GRACE_MS', 30_000, 0, 600_000),
    trustProxy: bool(src, 'TRUST_PROXY', false),
    sessionTtlHours: int(src, 'SESSION_TTL_HOURS', 12, 1, 24 * 90),
    hookRequestsPerMinute: int(src, 'HOOK_REQUESTS_PER_MINUTE', 6000, 1, 10_000_000),
    queueConcurrency: int(src, 'QUEUE_CONCURRENCY', 16, 1, 1000),
    redisKeyPrefix: prefix(src, 'REDIS_KEY_PREFIX', 'jsr:'),
  };
  return Object.freeze(config);
}
