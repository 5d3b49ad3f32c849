import { z } from 'zod';

/** Roles in an organization, highest first: `owner > admin > member > viewer`. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

const RANK: Readonly<Record<Role, number>> = { owner: 3, admin: 2, member: 1, viewer: 0 };

/** Position in the order: viewer 0 … owner 3. */
export function roleRank(role: Role): number {
  return RANK[role];
}

/** True when `role` is `min` or higher. */
export function roleAtLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

/** The roles that are `min` or higher, highest first: `rolesAtLeast('admin')` → owner, admin. */
export function rolesAtLeast(min: Role): Role[] {
  return ROLES.filter((role) => roleAtLeast(role, min));
}

/** The lowest of the given roles, or `null` for none. */
export function lowestRole(roles: readonly Role[]): Role | null {
  let lowest: Role | null = null;
  for (const role of roles) {
    if (lowest === null || RANK[role] < RANK[lowest]) lowest = role;
  }
  return lowest;
}

/**
 * A role list as a policy states it, closed upwards: every role at least as high as one listed.
 * `['member']` → owner, admin, member. This keeps "a higher role may do at least as much" true
 * whatever an admin types into a policy. Highest first; empty stays empty (nobody).
 */
export function closeUpward(roles: readonly Role[]): Role[] {
  const lowest = lowestRole(roles);
  return lowest === null ? [] : rolesAtLeast(lowest);
}

/**
 * What a caller asks to do: one action per row of docs/design.md's role table (the table's first row
 * is split into `connections.read` and `tools.read`; `org.read` is seeing the org at all).
 */
export const ACTIONS = [
  'connections.read',
  'tools.read',
  'connections.connect',
  'connections.manage',
  'tools.execute',
  'org.read',
  'members.manage',
  'policies.manage',
  'audit.read',
  'webhooks.manage',
  'approvals.decide',
] as const;
export type Action = (typeof ACTIONS)[number];
export const actionSchema = z.enum(ACTIONS);
