// First start (SPEC §9.2): tenant `default`, a superadmin with a printed or configured password,
// and JSRUNTIME_ADMIN_TOKEN as a superadmin API token. Safe when several nodes start at once.
import type pg from 'pg';
import { withTransaction } from '../store/queryable.js';
import { findTenantBySlug, insertTenant } from '../store/tenants.js';
import { findUserByEmail, insertUser } from '../store/users.js';
import { insertApiToken, tokenHashExists } from '../store/api-tokens.js';
import { hashPassword } from './passwords.js';
import { randomPassword, sha256 } from './secrets.js';

export const DEFAULT_TENANT = 'default';
export const ADMIN_EMAIL = 'admin@jsruntime.local';
const BOOTSTRAP_LOCK_KEY = 7_302_114_002;

export interface BootstrapResult {
  readonly tenantId: string;
  /** Set only when this call created the superadmin; the password is shown once. */
  readonly createdAdmin: { email: string; password: string; fromEnv: boolean } | null;
  readonly tokenCreated: boolean;
}

export async function bootstrap(
  pool: pg.Pool,
  options: { adminPassword: string | null; adminToken: string | null },
): Promise<BootstrapResult> {
  return withTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
    const tenant =
      (await findTenantBySlug(db, DEFAULT_TENANT)) ??
      (await insertTenant(db, { slug: DEFAULT_TENANT, name: 'Default' }));
    let createdAdmin: BootstrapResult['createdAdmin'] = null;
    if (!(await findUserByEmail(db, ADMIN_EMAIL))) {
      const password = options.adminPassword ?? randomPassword();
      await insertUser(db, {
        tenantId: tenant.id,
        email: ADMIN_EMAIL,
        name: 'Administrator',
        role: 'superadmin',
        passwordHash: await hashPassword(password),
      });
      createdAdmin = { email: ADMIN_EMAIL, password, fromEnv: options.adminPassword !== null };
    }
    let tokenCreated = false;
    if (options.adminToken) {
      const tokenHash = sha256(options.adminToken);
      if (!(await tokenHashExists(db, tokenHash))) {
        await insertApiToken(db, {
          tenantId: tenant.id,
          name: 'JSRUNTIME_ADMIN_TOKEN',
          role: 'superadmin',
          tokenHash,
          prefix: options.adminToken.slice(0, 6),
          createdBy: null,
        });
        tokenCreated = true;
      }
    }
    return { tenantId: tenant.id, createdAdmin, tokenCreated };
  });
}
