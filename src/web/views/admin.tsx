// Tenant administration pages: API tokens, users, audit log, tenants (superadmin).
import type { Principal } from '../../auth/principal.js';
import { assignableRoles, type Role } from '../../domain/permissions.js';
import type { ApiTokenInfo } from '../../store/api-tokens.js';
import type { AuditEntry } from '../../store/audit-log.js';
import type { Tenant } from '../../store/tenants.js';
import type { User } from '../../store/users.js';
import { CsrfField, FieldError, PageHeader, Time } from './components.js';
import { Layout } from './layout.js';

function RoleSelect(props: { id: string; roles: Role[]; value?: string; describedBy?: string }) {
  return (
    <select id={props.id} name="role" aria-describedby={props.describedBy}>
      {props.roles.map((r) => (
        <option value={r} selected={r === (props.value ?? 'developer')}>
          {r}
        </option>
      ))}
    </select>
  );
}

export function TokensPage(props: {
  principal: Principal;
  tokens: ApiTokenInfo[];
  created?: { token: string; name: string } | null;
  errors?: Record<string, string>;
  flash?: string | null;
}) {
  const p = props.principal;
  const roles = assignableRoles(p.role).filter((r) => r !== 'superadmin');
  return (
    <Layout title="API tokens" principal={p} section="tokens" flash={props.flash}>
      <PageHeader title="API tokens" />
      {props.created ? (
        <div class="callout callout-success" role="status">
          <p>
            Token <strong>{props.created.name || 'unnamed'}</strong> created. Copy it now: it will
            not be shown again.
          </p>
          <code class="secret" id="new-token">
            {props.created.token}
          </code>
        </div>
      ) : null}
      <form method="post" action="/tokens" class="form inline-form card">
        <CsrfField token={p.csrfToken} />
        <div>
          <label for="token-name">Name</label>
          <input
            id="token-name"
            name="name"
            maxlength={100}
            placeholder="e.g. billing integration"
            aria-describedby="token-name-error"
          />
          <FieldError id="token-name-error" message={props.errors?.name} />
        </div>
        <div>
          <label for="token-role">Role</label>
          <RoleSelect id="token-role" roles={roles} describedBy="token-role-error" />
          <FieldError id="token-role-error" message={props.errors?.role} />
        </div>
        <button type="submit" class="primary">
          Create token
        </button>
      </form>
      {props.tokens.length === 0 ? (
        <p class="empty">No API tokens yet.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((t) => (
              <tr id={`token-${t.id}`}>
                <td>{t.name || <span class="muted">unnamed</span>}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{t.role}</td>
                <td>
                  <Time value={t.createdAt} />
                </td>
                <td>
                  <Time value={t.lastUsedAt} />
                </td>
                <td>
                  <form method="post" action={`/tokens/${t.id}/revoke`} class="inline">
                    <CsrfField token={p.csrfToken} />
                    <button
                      type="submit"
                      class="danger small"
                      aria-label={`Revoke token ${t.name || t.prefix}`}
                    >
                      Revoke
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export function UsersPage(props: {
  principal: Principal;
  users: User[];
  errors?: Record<string, string>;
  values?: { email?: string; name?: string; role?: string };
  flash?: string | null;
}) {
  const p = props.principal;
  const roles = assignableRoles(p.role);
  return (
    <Layout title="Users" principal={p} section="users" flash={props.flash}>
      <PageHeader title="Users" />
      <form method="post" action="/users" class="form inline-form card">
        <CsrfField token={p.csrfToken} />
        <div>
          <label for="user-email">Email</label>
          <input
            id="user-email"
            name="email"
            type="email"
            required
            value={props.values?.email ?? ''}
            aria-describedby="user-email-error"
          />
          <FieldError id="user-email-error" message={props.errors?.email} />
        </div>
        <div>
          <label for="user-name">Name</label>
          <input
            id="user-name"
            name="name"
            value={props.values?.name ?? ''}
            aria-describedby="user-name-error"
          />
          <FieldError id="user-name-error" message={props.errors?.name} />
        </div>
        <div>
          <label for="user-role">Role</label>
          <RoleSelect
            id="user-role"
            roles={roles}
            value={props.values?.role}
            describedBy="user-role-error"
          />
          <FieldError id="user-role-error" message={props.errors?.role} />
        </div>
        <div>
          <label for="user-password">Password</label>
          <input
            id="user-password"
            name="password"
            type="password"
            minlength={8}
            required
            autocomplete="new-password"
            aria-describedby="user-password-error"
          />
          <FieldError id="user-password-error" message={props.errors?.password} />
        </div>
        <button type="submit" class="primary">
          Add user
        </button>
      </form>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr id={`user-${u.id}`}>
              <td>{u.email}</td>
              <td>{u.name}</td>
              <td>{u.role}</td>
              <td>
                <Time value={u.createdAt} />
              </td>
              <td>
                {u.id !== p.userId && roles.includes(u.role) ? (
                  <form method="post" action={`/users/${u.id}/delete`} class="inline">
                    <CsrfField token={p.csrfToken} />
                    <button
                      type="submit"
                      class="danger small"
                      aria-label={`Remove user ${u.email}`}
                    >
                      Remove
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

export function AuditPage(props: {
  principal: Principal;
  entries: AuditEntry[];
  page: number;
  hasMore: boolean;
}) {
  return (
    <Layout title="Audit log" principal={props.principal} section="audit">
      <PageHeader title="Audit log" />
      {props.entries.length === 0 ? (
        <p class="empty">Nothing has been changed yet.</p>
      ) : (
        <table class="table audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">What</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {props.entries.map((e) => (
              <tr>
                <td>
                  <Time value={e.createdAt} />
                </td>
                <td>{e.actorLabel}</td>
                <td>{e.action}</td>
                <td>
                  {e.entityType} <code>{e.entityId.slice(0, 8)}</code>
                </td>
                <td>
                  <details>
                    <summary>Before / after</summary>
                    <pre class="json">
                      {JSON.stringify({ before: e.before, after: e.after }, null, 2)}
                    </pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pagination" aria-label="Pagination">
        {props.page > 1 ? <a href={`/audit?page=${props.page - 1}`}>Previous</a> : null}
        <span>Page {props.page}</span>
        {props.hasMore ? <a href={`/audit?page=${props.page + 1}`}>Next</a> : null}
      </nav>
    </Layout>
  );
}

export function TenantsPage(props: {
  principal: Principal;
  tenants: Tenant[];
  errors?: Record<string, string>;
  values?: { slug?: string; name?: string };
  flash?: string | null;
}) {
  const p = props.principal;
  return (
    <Layout title="Tenants" principal={p} section="tenants" flash={props.flash}>
      <PageHeader title="Tenants" />
      <form method="post" action="/tenants" class="form inline-form card">
        <CsrfField token={p.csrfToken} />
        <div>
          <label for="tenant-slug">Slug</label>
          <input
            id="tenant-slug"
            name="slug"
            required
            value={props.values?.slug ?? ''}
            pattern="[a-z0-9][a-z0-9-]{1,62}"
            aria-describedby="tenant-slug-error"
          />
          <FieldError id="tenant-slug-error" message={props.errors?.slug} />
        </div>
        <div>
          <label for="tenant-name">Name</label>
          <input
            id="tenant-name"
            name="name"
            value={props.values?.name ?? ''}
            aria-describedby="tenant-name-error"
          />
          <FieldError id="tenant-name-error" message={props.errors?.name} />
        </div>
        <button type="submit" class="primary">
          Create tenant
        </button>
      </form>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Slug</th>
            <th scope="col">Name</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {props.tenants.map((t) => (
            <tr>
              <td>
                <code>{t.slug}</code>
              </td>
              <td>{t.name}</td>
              <td>
                <Time value={t.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
