// Guards: a principal must be present (pages redirect to login, the API answers 401) and hold
// the permission the route needs (403 otherwise).
import type { Context, MiddlewareHandler } from 'hono';
import type { Principal } from '../../auth/principal.js';
import { can, canManageTenant, type Permission } from '../../domain/permissions.js';
import { AppError, forbidden, unauthorized } from '../../lib/errors.js';
import type { AppEnv } from '../env.js';

export function principalOf(c: Context<AppEnv>): Principal {
  const p = c.get('principal');
  if (!p) throw unauthorized();
  return p;
}

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!can(principalOf(c).role, permission)) throw forbidden();
    await next();
  };
}

export const requireSignedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  principalOf(c);
  await next();
};

export const requireTenantAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!canManageTenant(principalOf(c).role)) throw forbidden();
  await next();
};

export const requireSuperadmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (principalOf(c).role !== 'superadmin') {
    throw new AppError('FORBIDDEN', 'Only a superadmin can manage tenants.');
  }
  await next();
};
