import type { Role } from '../db/schema.ts';

/** What a route touches. Later issues add their resources here and to the matrix below. */
export const RESOURCES = [
  'contacts',
  'conversations',
  'broadcasts',
  'notifications',
  'segments',
  'templates',
  'channels',
  'users',
  'settings',
  'api_keys',
  'audit_log',
  'automations',
  'coupons',
  'system',
] as const;
export type Resource = (typeof RESOURCES)[number];
export type Permission = `${Resource}:${'read' | 'write'}`;

export const ROLES: readonly Role[] = ['owner', 'admin', 'agent', 'marketing', 'readonly'];

type Access = 'rw' | 'r' | '-';

/**
 * The permission matrix, one row per role (docs/permissions.md renders the same table).
 * owner and admin differ only in what they may do to owners (see users.service).
 */
const MATRIX: Record<Role, Record<Resource, Access>> = {
  owner: {
    contacts: 'rw',
    conversations: 'rw',
    broadcasts: 'rw',
    notifications: 'rw',
    segments: 'rw',
    templates: 'rw',
    channels: 'rw',
    users: 'rw',
    settings: 'rw',
    api_keys: 'rw',
    audit_log: 'r',
    automations: 'rw',
    coupons: 'rw',
    system: 'rw',
  },
  admin: {
    contacts: 'rw',
    conversations: 'rw',
    broadcasts: 'rw',
    notifications: 'rw',
    segments: 'rw',
    templates: 'rw',
    channels: 'rw',
    users: 'rw',
    settings: 'rw',
    api_keys: 'rw',
    audit_log: 'r',
    automations: 'rw',
    coupons: 'rw',
    system: 'rw',
  },
  agent: {
    contacts: 'rw',
    conversations: 'rw',
    broadcasts: '-',
    notifications: 'r',
    segments: 'r',
    templates: 'r',
    channels: 'r',
    users: 'r',
    settings: 'r',
    api_keys: '-',
    audit_log: '-',
    automations: '-',
    coupons: 'rw',
    system: '-',
  },
  marketing: {
    contacts: 'rw',
    conversations: 'r',
    broadcasts: 'rw',
    notifications: 'rw',
    segments: 'rw',
    templates: 'rw',
    channels: 'r',
    users: 'r',
    settings: 'r',
    api_keys: '-',
    audit_log: '-',
    automations: 'rw',
    coupons: 'rw',
    system: '-',
  },
  readonly: {
    contacts: 'r',
    conversations: 'r',
    broadcasts: 'r',
    notifications: 'r',
    segments: 'r',
    templates: 'r',
    channels: 'r',
    users: 'r',
    settings: 'r',
    api_keys: '-',
    audit_log: '-',
    automations: 'r',
    coupons: 'r',
    system: '-',
  },
};

/** Whether a role holds a permission. */
export function can(role: Role, permission: Permission): boolean {
  const [resource, action] = permission.split(':') as [Resource, 'read' | 'write'];
  const access = MATRIX[role][resource];
  return action === 'read' ? access !== '-' : access === 'rw';
}

/** Every permission a role holds, e.g. `['contacts:read', 'contacts:write', …]`. */
export function grantedPermissions(role: Role): Permission[] {
  return RESOURCES.flatMap((resource) =>
    (['read', 'write'] as const)
      .map((action): Permission => `${resource}:${action}`)
      .filter((permission) => can(role, permission)),
  );
}

/** The matrix as rows, for docs and the access test. */
export function permissionTable(): Array<{ role: Role; access: Record<Resource, Access> }> {
  return ROLES.map((role) => ({ role, access: MATRIX[role] }));
}
