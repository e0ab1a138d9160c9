// Who is making a request: a logged-in user (session) or a machine (API token).
import type { Role } from '../domain/permissions.js';
import type { Actor } from '../store/audit-log.js';

export interface Principal {
  readonly kind: 'session' | 'token';
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly role: Role;
  readonly userId: number | null;
  readonly tokenId: string | null;
  readonly organizationId: string | null;
  /** Email of the user or "token <name>". */
  readonly label: string;
  /** Sessions only: the token forms and HTMX requests must echo back. */
  readonly csrfToken: string | null;
}

export function actorOf(p: Principal): Actor {
  return { userId: p.userId, tokenId: p.tokenId, label: p.label };
}
