// The `jsruntime` command: start the service, administer tenants/users/tokens, run a file.
import { Command } from 'commander';
import { createApiToken, createTenant, createUser } from '../auth/accounts.js';
import { randomPassword } from '../auth/secrets.js';
import { loadConfig, ConfigError, type Config } from '../config.js';
import { AppError } from '../lib/errors.js';
import { main as startMain } from '../main.js';
import type { Database } from '../store/database.js';
import { withDatabase as openAndRun } from './with-database.js';
import { findTenantBySlug } from '../store/tenants.js';
import { runFile } from './run-file.js';

interface DbFlags {
  dataDir?: string;
  databaseUrl?: string;
}

function configFrom(flags: DbFlags): Config {
  const argv: string[] = [];
  if (flags.dataDir) argv.push('--data-dir', flags.dataDir);
  if (flags.databaseUrl) argv.push('--database-url', flags.databaseUrl);
  return loadConfig(process.env, argv);
}

/** Opens the database (joining a running embedded server), runs fn, closes. */
function withDatabase<T>(flags: DbFlags, fn: (db: Database) => Promise<T>): Promise<T> {
  return openAndRun(configFrom(flags), (db) => fn(db));
}

async function tenantId(db: Database, slug: string): Promise<string> {
  const t = await findTenantBySlug(db.pool, slug);
  if (!t) throw new AppError('NOT_FOUND', `Tenant "${slug}" not found`);
  return t.id;
}

function dbOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory of the embedded database (DATA_DIR)')
    .option('--database-url <url>', 'external PostgreSQL (DATABASE_URL)');
}

export function buildCli(): Command {
  const program = new Command('jsruntime')
    .description('Multi-tenant JavaScript runtime: scripts in V8 isolates with a tenant-scoped SDK')
    .showHelpAfterError();

  program
    .command('start', { isDefault: true })
    .description('start the service (web UI, API, workers)')
    .allowUnknownOption()
    .helpOption(false)
    .argument(
      '[flags...]',
      '--port, --host, --role web|worker|all, --data-dir, --database-url, --redis-url, --log-level, --node-id',
    )
    .action(async (flags: string[]) => startMain(flags));

  const tenant = program.command('tenant').description('manage tenants');
  dbOptions(
    tenant
      .command('create <slug>')
      .description('create a tenant')
      .option('--name <name>', 'display name'),
  ).action(async (slug: string, o: DbFlags & { name?: string }) => {
    await withDatabase(o, async (db) => {
      const t = await createTenant(db.pool, { slug, name: o.name }, null);
      process.stdout.write(`Tenant ${t.slug} created (id ${t.id})\n`);
    });
  });

  const user = program.command('user').description('manage users');
  dbOptions(
    user
      .command('create')
      .description('create a user who can log into the web UI')
      .requiredOption('--tenant <slug>', 'tenant slug')
      .requiredOption('--email <email>', 'login email')
      .option('--role <role>', 'admin | developer | viewer | superadmin', 'developer')
      .option('--name <name>', 'display name')
      .option('--password <password>', 'password (default: generated and printed once)'),
  ).action(
    async (
      o: DbFlags & {
        tenant: string;
        email: string;
        role: string;
        name?: string;
        password?: string;
      },
    ) => {
      await withDatabase(o, async (db) => {
        const password = o.password ?? randomPassword();
        const u = await createUser(
          db.pool,
          {
            tenantId: await tenantId(db, o.tenant),
            email: o.email,
            name: o.name ?? '',
            role: o.role,
            password,
          },
          null,
        );
        process.stdout.write(`User ${u.email} (${u.role}) created in tenant ${o.tenant}\n`);
        if (!o.password) process.stdout.write(`Password: ${password}\n(shown only once)\n`);
      });
    },
  );

  const token = program.command('token').description('manage API tokens');
  dbOptions(
    token
      .command('create')
      .description('create a bearer API token (printed once)')
      .requiredOption('--tenant <slug>', 'tenant slug')
      .option('--role <role>', 'admin | developer | viewer', 'developer')
      .option('--name <name>', 'what the token is for'),
  ).action(async (o: DbFlags & { tenant: string; role: string; name?: string }) => {
    await withDatabase(o, async (db) => {
      const { token: secret } = await createApiToken(
        db.pool,
        { tenantId: await tenantId(db, o.tenant), role: o.role, name: o.name ?? 'cli' },
        null,
      );
      process.stdout.write(`${secret}\n`);
    });
  });

  dbOptions(
    program
      .command('run <file>')
      .description('run a local .js/.ts script in the sandbox with the SDK; prints logs and output')
      .option('--input <json>', 'JSON object for context.input', '{}')
      .option('--tenant <slug>', 'tenant whose data and cache the SDK uses', 'default')
      .option('--timeout <ms>', 'time limit in milliseconds', '30000'),
  ).action(
    async (file: string, o: DbFlags & { input: string; tenant: string; timeout: string }) => {
      const timeoutMs = Number(o.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 300_000) {
        throw new ConfigError('--timeout must be between 1000 and 300000');
      }
      process.exitCode = await runFile(
        file,
        { input: o.input, tenant: o.tenant, timeoutMs },
        configFrom(o),
      );
    },
  );

  dbOptions(program.command('migrate').description('apply database migrations and exit')).action(
    async (o: DbFlags) => {
      await withDatabase(o, async () => {
        process.stdout.write('Database is up to date\n');
      });
    },
  );
  return program;
}

export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await buildCli().parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof AppError || err instanceof ConfigError) {
      const fields =
        err instanceof AppError && err.fields ? ` (${Object.values(err.fields).join('; ')})` : '';
      process.stderr.write(`Error: ${err.message}${fields}\n`);
      process.exit(1);
    }
    throw err;
  }
}
