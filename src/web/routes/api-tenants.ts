// Superadmin API: tenants and their tokens (SPEC §8). Admins may mint tokens for their own tenant.
import { Hono } from 'hono';
import type pg from 'pg';
import { createApiToken, createTenant } from '../../auth/accounts.js';
import { actorOf } from '../../auth/principal.js';
import { assignableRoles, isRole } from '../../domain/permissions.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { findTenantBySlug, listTenants } from '../../store/tenants.js';
import type { AppEnv } from '../env.js';
import { principalOf, requireSuperadmin } from '../middleware/require.js';
import { readJson } from '../read-json.js';

export function tenantApiRoutes(deps: { pool: pg.Pool }) {
  const app = new Hono<AppEnv>();

  app.get('/tenants', requireSuperadmin, async (c) => {
    const tenants = await listTenants(deps.pool);
    return c.json({
      data: tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, createdAt: t.createdAt })),
    });
  });

  app.post('/tenants', requireSuperadmin, async (c) => {
    const body = await readJson(c);
    const t = await createTenant(
      deps.pool,
      { slug: body.slug, name: body.name },
      actorOf(principalOf(c)),
    );
    return c.json({ id: t.id, slug: t.slug, name: t.name, createdAt: t.createdAt }, 201);
  });

  app.post('/tenants/:slug/tokens', async (c) => {
    const p = principalOf(c);
    const tenant = await findTenantBySlug(deps.pool, c.req.param('slug'));
    const mayManage = p.role === 'superadmin' || (p.role === 'admin' && tenant?.id === p.tenantId);
    if (!mayManage) throw p.role === 'admin' ? notFound('Tenant') : forbidden();
    if (!tenant) throw notFound('Tenant');
    const body = await readJson(c);
    const role = body.role ?? 'developer';
    if (
      !isRole(role) ||
      !['admin', 'developer', 'viewer'].includes(role) ||
      !assignableRoles(p.role).includes(role)
    ) {
      throw new AppError('VALIDATION_ERROR', 'Role must be one of admin, developer, viewer', {
        fields: { role: 'Role must be one of admin, developer, viewer' },
      });
    }
    const { token, info } = await createApiToken(
      deps.pool,
      { tenantId: tenant.id, role, name: body.name },
      actorOf(p),
    );
    return c.json(
      { token, id: info.id, name: info.name, role: info.role, tenant: tenant.slug },
      201,
    );
  });

  return app;
}
