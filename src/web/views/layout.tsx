// Page shell: navigation, toast area, HTMX with the CSRF header, skip link for keyboard users.
import type { Child } from 'hono/jsx';
import type { Principal } from '../../auth/principal.js';
import { can, canManageTenant } from '../../domain/permissions.js';

export interface LayoutProps {
  title: string;
  principal: Principal | null;
  flash?: string | null;
  /** Highlights the current section in the navigation. */
  section?: 'scripts' | 'dead-letters' | 'tokens' | 'users' | 'audit' | 'tenants';
  /** Pages with a code editor load the Monaco bundle. */
  editor?: boolean;
  children?: Child;
}

const HTMX_CONFIG = JSON.stringify({
  // Swap 4xx/5xx answers too: forms re-render with their errors, error fragments show as toasts.
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '[45]..', swap: true, error: true },
  ],
  includeIndicatorStyles: false,
  allowEval: false,
});

function NavLink(props: { href: string; current: boolean; children: Child }) {
  return (
    <a href={props.href} aria-current={props.current ? 'page' : undefined}>
      {props.children}
    </a>
  );
}

export function Layout(props: LayoutProps) {
  const p = props.principal;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${props.title} · jsruntime`}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
        {props.editor ? <link rel="stylesheet" href="/assets/editor.css" /> : null}
        <script src="/assets/htmx.min.js" defer></script>
        <script src="/assets/app.js" defer></script>
        {props.editor ? <script type="module" src="/assets/editor.js"></script> : null}
      </head>
      <body hx-headers={p?.csrfToken ? JSON.stringify({ 'X-CSRF-Token': p.csrfToken }) : undefined}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href="/scripts">
            jsruntime
          </a>
          {p ? (
            <nav aria-label="Main">
              {can(p.role, 'scripts.read') ? (
                <NavLink href="/scripts" current={props.section === 'scripts'}>
                  Scripts
                </NavLink>
              ) : null}
              <NavLink href="/dead-letters" current={props.section === 'dead-letters'}>
                Dead letters
              </NavLink>
              {canManageTenant(p.role) ? (
                <>
                  <NavLink href="/tokens" current={props.section === 'tokens'}>
                    API tokens
                  </NavLink>
                  <NavLink href="/users" current={props.section === 'users'}>
                    Users
                  </NavLink>
                  <NavLink href="/audit" current={props.section === 'audit'}>
                    Audit log
                  </NavLink>
                </>
              ) : null}
              {p.role === 'superadmin' ? (
                <NavLink href="/tenants" current={props.section === 'tenants'}>
                  Tenants
                </NavLink>
              ) : null}
            </nav>
          ) : null}
          {p ? (
            <div class="whoami">
              <span class="tenant-badge" title="Tenant">
                {p.tenantSlug}
              </span>
              <span class="user-label">{p.label}</span>
              <form method="post" action="/logout" class="inline">
                <input type="hidden" name="_csrf" value={p.csrfToken ?? ''} />
                <button type="submit" class="link-button">
                  Log out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <div id="toasts" class="toasts" aria-live="polite" role="status">
          {props.flash ? <div class="toast toast-success">{props.flash}</div> : null}
        </div>
      </body>
    </html>
  );
}
