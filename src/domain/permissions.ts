// Roles and the five script permissions (SPEC §9.1).
export const ROLES = ['superadmin', 'admin', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'scripts.read',
  'scripts.create',
  'scripts.update',
  'scripts.delete',
  'scripts.execute',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  superadmin: PERMISSIONS,
  admin: PERMISSIONS,
  developer: ['scripts.read', 'scripts.create', 'scripts.update', 'scripts.execute'],
  viewer: ['scripts.read'],
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Admins manage users and tokens of their tenant; superadmins also manage tenants. */
export function canManageTenant(role: Role): boolean {
  return role === 'admin' || role === 'superadmin';
}

/** Roles a principal may hand out (tokens, users): never above its own. */
export function assignableRoles(role: Role): Role[] {
  if (role === 'superadmin') return ['superadmin', 'admin', 'developer', 'viewer'];
  if (role === 'admin') return ['admin', 'developer', 'viewer'];
  return [];
}
