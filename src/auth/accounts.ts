// Account administration shared by the API, the UI and the CLI: tenants, users, API tokens.
import type pg from 'pg';
import { AppError } from '../lib/errors.js';
import { isRole, type Role } from '../domain/permissions.js';
import { insertTenant, type Tenant } from '../store/tenants.js';
import { insertUser, type User } from '../store/users.js';
import { insertApiToken, type ApiTokenInfo } from '../store/api-tokens.js';
import { appendAudit, type Actor } from '../store/audit-log.js';
import { isUniqueViolation, withTransaction } from '../store/queryable.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { newApiToken, sha256, TOKEN_PREFIX } from './secrets.js';

const SLUG_RE = /^[a-z0-9][a-z0-9-]{1,62}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

function invalid(fields: Record<string, string>): AppError {
  return new AppError('VALIDATION_ERROR', Object.values(fields)[0]!, { fields });
}

export async function createTenant(
  pool: pg.Pool,
  input: { slug?: unknown; name?: unknown },
  actor: Actor | null,
): Promise<Tenant> {
  const slug = typeof input.slug === 'string' ? input.slug.trim() : '';
  const name = typeof input.name === 'string' && input.name.trim() ? input.name.trim() : slug;
  if (!slug) throw invalid({ slug: 'Slug is required' });
  if (!SLUG_RE.test(slug)) {
    throw invalid({
      slug: 'Slug must be 2–63 lowercase letters, digits or dashes, starting with a letter or digit',
    });
  }
  if (name.length > 100) throw invalid({ name: 'Name must not exceed 100 characters' });
  try {
    return await withTransaction(pool, async (db) => {
      const tenant = await insertTenant(db, { slug, name });
      if (actor) {
        await appendAudit(db, {
          tenantId: tenant.id,
          actor,
          action: 'tenant.created',
          entityType: 'tenant',
          entityId: tenant.id,
          after: { slug, name },
        });
      }
      return tenant;
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('CONFLICT', 'Slug already exists', {
        fields: { slug: 'Slug already exists' },
      });
    }
    throw err;
  }
}

export async function createUser(
  pool: pg.Pool,
  input: { tenantId: string; email?: unknown; name?: unknown; role?: unknown; password?: unknown },
  actor: Actor | null,
): Promise<User> {
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  const password = typeof input.password === 'string' ? input.password : '';
  const fields: Record<string, string> = {};
  if (!email) fields.email = 'Email is required';
  else if (!EMAIL_RE.test(email) || email.length > 254)
    fields.email = 'Email must be a valid address';
  if (name.length > 100) fields.name = 'Name must not exceed 100 characters';
  if (!isRole(input.role)) fields.role = 'Role must be one of superadmin, admin, developer, viewer';
  if (password.length < MIN_PASSWORD_LENGTH) {
    fields.password = `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (Object.keys(fields).length > 0) throw invalid(fields);
  const passwordHash = await hashPassword(password);
  try {
    return await withTransaction(pool, async (db) => {
      const user = await insertUser(db, {
        tenantId: input.tenantId,
        email,
        name,
        role: input.role as Role,
        passwordHash,
      });
      if (actor) {
        await appendAudit(db, {
          tenantId: input.tenantId,
          actor,
          action: 'user.created',
          entityType: 'user',
          entityId: String(user.id),
          after: { email, name, role: user.role },
        });
      }
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('CONFLICT', 'Email already exists', {
        fields: { email: 'Email already exists' },
      });
    }
    throw err;
  }
}

/** Creates a token and returns its secret once; only the hash is kept. */
export async function createApiToken(
  pool: pg.Pool,
  input: { tenantId: string; role?: unknown; name?: unknown; secret?: string },
  actor: Actor | null,
): Promise<{ token: string; info: ApiTokenInfo }> {
  if (!isRole(input.role)) {
    throw invalid({ role: 'Role must be one of superadmin, admin, developer, viewer' });
  }
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length > 100) throw invalid({ name: 'Name must not exceed 100 characters' });
  const token = input.secret ?? newApiToken();
  return withTransaction(pool, async (db) => {
    const info = await insertApiToken(db, {
      tenantId: input.tenantId,
      name,
      role: input.role as Role,
      tokenHash: sha256(token),
      prefix: token.startsWith(TOKEN_PREFIX)
        ? token.slice(0, TOKEN_PREFIX.length + 6)
        : token.slice(0, 6),
      createdBy: actor?.userId ?? null,
    });
    if (actor) {
      await appendAudit(db, {
        tenantId: input.tenantId,
        actor,
        action: 'token.created',
        entityType: 'api_token',
        entityId: info.id,
        after: { name, role: info.role, prefix: info.prefix },
      });
    }
    return { token, info };
  });
}
