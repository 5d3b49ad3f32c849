import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  actionSchema,
  closeUpward,
  lowestRole,
  type Role,
  roleAtLeast,
  roleSchema,
  rolesAtLeast,
} from './roles.js';

describe('roleAtLeast', () => {
  // Row: role; columns: min = owner, admin, member, viewer.
  it.each<[Role, [boolean, boolean, boolean, boolean]]>([
    ['owner', [true, true, true, true]],
    ['admin', [false, true, true, true]],
    ['member', [false, false, true, true]],
    ['viewer', [false, false, false, true]],
  ])('%s', (role, expected) => {
    expect(
      (['owner', 'admin', 'member', 'viewer'] as const).map((min) => roleAtLeast(role, min)),
    ).toStrictEqual(expected);
  });
});

describe('rolesAtLeast', () => {
  it.each<[Role, Role[]]>([
    ['owner', ['owner']],
    ['admin', ['owner', 'admin']],
    ['member', ['owner', 'admin', 'member']],
    ['viewer', ['owner', 'admin', 'member', 'viewer']],
  ])('%s', (min, expected) => {
    expect(rolesAtLeast(min)).toStrictEqual(expected);
  });
});

describe('closeUpward and lowestRole', () => {
  it.each<[Role[], Role | null, Role[]]>([
    [[], null, []],
    [['member'], 'member', ['owner', 'admin', 'member']],
    [['owner', 'viewer'], 'viewer', ['owner', 'admin', 'member', 'viewer']],
    [['admin', 'admin'], 'admin', ['owner', 'admin']],
    [['owner'], 'owner', ['owner']],
  ])('%j', (roles, lowest, closed) => {
    expect(lowestRole(roles)).toBe(lowest);
    expect(closeUpward(roles)).toStrictEqual(closed);
  });
});

describe('schemas', () => {
  it('accept exactly the roles and actions', () => {
    expect(roleSchema.options).toStrictEqual(['owner', 'admin', 'member', 'viewer']);
    expect(roleSchema.safeParse('superuser').success).toBe(false);
    expect(actionSchema.options).toStrictEqual([...ACTIONS]);
    expect(actionSchema.safeParse('tools.delete').success).toBe(false);
  });
});
