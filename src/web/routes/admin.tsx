// Tenant administration pages for admins: API tokens, users, audit log; tenants for superadmins.
import { Hono } from 'hono';
import type pg from 'pg';
import { createApiToken, createTenant, createUser } from '../../auth/accounts.js';
import { actorOf } from '../../auth/principal.js';
import { assignableRoles, isRole } from '../../domain/permissions.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { listApiTokens, revokeApiToken } from '../../store/api-tokens.js';
import { appendAudit, listAudit } from '../../store/audit-log.js';
import { withTransaction } from '../../store/queryable.js';
import { listTenants } from '../../store/tenants.js';
import { deleteUser, listUsers } from '../../store/users.js';
import type { AppEnv } from '../env.js';
import { setFlash } from '../flash.js';
import { principalOf, requireSuperadmin, requireTenantAdmin } from '../middleware/require.js';
import { AuditPage, TenantsPage, TokensPage, UsersPage } from '../views/admin.js';

const AUDIT_PAGE_SIZE = 50;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function adminRoutes(deps: { pool: pg.Pool }) {
  const app = new Hono<AppEnv>();

  app.use('/tokens', requireTenantAdmin);
  app.use('/tokens/*', requireTenantAdmin);
  app.use('/users', requireTenantAdmin);
  app.use('/users/*', requireTenantAdmin);
  app.use('/audit', requireTenantAdmin);
  app.use('/tenants', requireSuperadmin);

  app.get('/tokens', async (c) => {
    const p = principalOf(c);
    return c.html(
      <TokensPage
        principal={p}
        tokens={await listApiTokens(deps.pool, p.tenantId)}
        flash={c.get('flash')}
      />,
    );
  });

  app.post('/tokens', async (c) => {
    const p = principalOf(c);
    const body = await c.req.parseBody();
    const role = str(body.role);
    if (!isRole(role) || role === 'superadmin' || !assignableRoles(p.role).includes(role)) {
      const errors = { role: 'Role must be one of admin, developer, viewer' };
      return c.html(
        <TokensPage
          principal={p}
          tokens={await listApiTokens(deps.pool, p.tenantId)}
          errors={errors}
        />,
        400,
      );
    }
    try {
      const { token, info } = await createApiToken(
        deps.pool,
        { tenantId: p.tenantId, role, name: str(body.name) },
        actorOf(p),
      );
      c.header('Cache-Control', 'no-store');
      return c.html(
        <TokensPage
          principal={p}
          tokens={await listApiTokens(deps.pool, p.tenantId)}
          created={{ token, name: info.name }}
        />,
        201,
      );
    } catch (err) {
      if (err instanceof AppError && err.fields) {
        return c.html(
          <TokensPage
            principal={p}
            tokens={await listApiTokens(deps.pool, p.tenantId)}
            errors={{ ...err.fields }}
          />,
          err.status as 400,
        );
      }
      throw err;
    }
  });

  app.post('/tokens/:id/revoke', async (c) => {
    const p = principalOf(c);
    const id = c.req.param('id');
    const revoked = await withTransaction(deps.pool, async (db) => {
      const ok = await revokeApiToken(db, p.tenantId, id);
      if (ok)
        await appendAudit(db, {
          tenantId: p.tenantId,
          actor: actorOf(p),
          action: 'token.revoked',
          entityType: 'api_token',
          entityId: id,
        });
      return ok;
    });
    if (!revoked) throw notFound('Token');
    setFlash(c, 'Token revoked.');
    return c.redirect('/tokens', 303);
  });

  app.get('/users', async (c) => {
    const p = principalOf(c);
    return c.html(
      <UsersPage
        principal={p}
        users={await listUsers(deps.pool, p.tenantId)}
        flash={c.get('flash')}
      />,
    );
  });

  app.post('/users', async (c) => {
    const p = principalOf(c);
    const body = await c.req.parseBody();
    const values = { email: str(body.email), name: str(body.name), role: str(body.role) };
    try {
      if (isRole(values.role) && !assignableRoles(p.role).includes(values.role)) throw forbidden();
      await createUser(
        deps.pool,
        { tenantId: p.tenantId, ...values, password: str(body.password) },
        actorOf(p),
      );
    } catch (err) {
      if (err instanceof AppError && err.fields) {
        return c.html(
          <UsersPage
            principal={p}
            users={await listUsers(deps.pool, p.tenantId)}
            errors={{ ...err.fields }}
            values={values}
          />,
          err.status as 400,
        );
      }
      throw err;
    }
    setFlash(c, `User ${values.email} added.`);
    return c.redirect('/users', 303);
  });

  app.post('/users/:id/delete', async (c) => {
    const p = principalOf(c);
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id === p.userId) throw notFound('User');
    const users = await listUsers(deps.pool, p.tenantId);
    const target = users.find((u) => u.id === id);
    if (!target) throw notFound('User');
    if (!assignableRoles(p.role).includes(target.role)) throw forbidden();
    await withTransaction(deps.pool, async (db) => {
      await deleteUser(db, p.tenantId, id);
      await appendAudit(db, {
        tenantId: p.tenantId,
        actor: actorOf(p),
        action: 'user.deleted',
        entityType: 'user',
        entityId: String(id),
        before: { email: target.email, role: target.role },
      });
    });
    setFlash(c, `User ${target.email} removed.`);
    return c.redirect('/users', 303);
  });

  app.get('/audit', async (c) => {
    const p = principalOf(c);
    const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
    const entries = await listAudit(deps.pool, p.tenantId, {
      limit: AUDIT_PAGE_SIZE + 1,
      offset: (page - 1) * AUDIT_PAGE_SIZE,
    });
    return c.html(
      <AuditPage
        principal={p}
        entries={entries.slice(0, AUDIT_PAGE_SIZE)}
        page={page}
        hasMore={entries.length > AUDIT_PAGE_SIZE}
      />,
    );
  });

  app.get('/tenants', async (c) => {
    const p = principalOf(c);
    return c.html(
      <TenantsPage principal={p} tenants={await listTenants(deps.pool)} flash={c.get('flash')} />,
    );
  });

  app.post('/tenants', async (c) => {
    const p = principalOf(c);
    const body = await c.req.parseBody();
    const values = { slug: str(body.slug), name: str(body.name) };
    try {
      await createTenant(deps.pool, values, actorOf(p));
    } catch (err) {
      if (err instanceof AppError && err.fields) {
        return c.html(
          <TenantsPage
            principal={p}
            tenants={await listTenants(deps.pool)}
            errors={{ ...err.fields }}
            values={values}
          />,
          err.status as 400,
        );
      }
      throw err;
    }
    setFlash(c, `Tenant ${values.slug} created.`);
    return c.redirect('/tenants', 303);
  });

  return app;
}
