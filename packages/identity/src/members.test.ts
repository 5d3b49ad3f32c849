import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUserId, type UserId } from './ids.js';
import { type Member, planRoleChange, type RoleChange } from './members.js';
import { ROLES, type Role, roleAtLeast } from './roles.js';

const anchor = parseUserId('anchor');
const actor = parseUserId('actor');
const target = parseUserId('target');

const CHANGES = ['set:owner', 'set:admin', 'set:member', 'set:viewer', 'remove'] as const;
type ChangeName = (typeof CHANGES)[number];

const changeFor = (name: ChangeName, userId: UserId): RoleChange =>
  name === 'remove'
    ? { kind: 'remove', userId }
    : { kind: 'set', userId, role: name.slice(4) as Role };

const outcome = (members: readonly Member[], by: UserId, change: RoleChange): string => {
  const plan = planRoleChange(members, by, change);
  return plan.ok ? 'ok' : plan.reason;
};

/** Parses a whitespace table: a header of change names, then rows of `actor target outcome…`. */
function parseMatrix(
  text: string,
): { actorRole: Role; targetRole: Role | 'none'; cells: string[] }[] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [actorRole, targetRole, ...cells] = line.trim().split(/\s+/);
      return { actorRole: actorRole as Role, targetRole: targetRole as Role | 'none', cells };
    });
}

describe('planRoleChange: every actor role × target role × change', () => {
  // The org always has another owner ('anchor'), so LAST_OWNER cannot interfere here; it has its
  // own tests below. 'none' is a user who is not a member yet (set = invite).
  const MATRIX = `
    actor   target  set:owner      set:admin      set:member     set:viewer     remove
    owner   owner   ok             ok             ok             ok             ok
    owner   admin   ok             ok             ok             ok             ok
    owner   member  ok             ok             ok             ok             ok
    owner   viewer  ok             ok             ok             ok             ok
    owner   none    ok             ok             ok             ok             MEMBER_NOT_FOUND
    admin   owner   ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    admin   admin   ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    admin   member  ROLE_REQUIRED  ROLE_REQUIRED  ok             ok             ok
    admin   viewer  ROLE_REQUIRED  ROLE_REQUIRED  ok             ok             ok
    admin   none    ROLE_REQUIRED  ROLE_REQUIRED  ok             ok             MEMBER_NOT_FOUND
    member  owner   ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    member  admin   ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    member  member  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    member  viewer  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    member  none    ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    viewer  owner   ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    viewer  admin   ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    viewer  member  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    viewer  viewer  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
    viewer  none    ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED
  `;
  const rows = parseMatrix(MATRIX);

  it('has a row for every actor role × target role', () => {
    expect(rows.map((row) => `${row.actorRole}/${row.targetRole}`)).toStrictEqual(
      ROLES.flatMap((a) => [...ROLES, 'none'].map((t) => `${a}/${t}`)),
    );
  });

  describe.each(rows)('$actorRole acting on $targetRole', ({ actorRole, targetRole, cells }) => {
    const members: Member[] = [
      { userId: anchor, role: 'owner' },
      { userId: actor, role: actorRole },
      ...(targetRole === 'none' ? [] : [{ userId: target, role: targetRole }]),
    ];
    it.each(CHANGES.map((name, i) => [name, cells[i]] as const))('%s → %s', (name, expected) => {
      expect(outcome(members, actor, changeFor(name, target))).toBe(expected);
    });
  });
});

describe('planRoleChange: acting on oneself', () => {
  const SELF = `
    actor   -       set:owner      set:admin      set:member     set:viewer     remove
    owner   self    ok             ok             ok             ok             ok
    admin   self    ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ok
    member  self    ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ok
    viewer  self    ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ROLE_REQUIRED  ok
  `;
  describe.each(parseMatrix(SELF))('$actorRole (another owner exists)', ({ actorRole, cells }) => {
    const members: Member[] = [
      { userId: anchor, role: 'owner' },
      { userId: actor, role: actorRole },
    ];
    it.each(CHANGES.map((name, i) => [name, cells[i]] as const))('%s → %s', (name, expected) => {
      expect(outcome(members, actor, changeFor(name, actor))).toBe(expected);
    });
  });

  describe('the last owner', () => {
    const members: Member[] = [
      { userId: actor, role: 'owner' },
      { userId: target, role: 'admin' },
    ];
    it.each<[ChangeName, string]>([
      ['set:owner', 'ok'],
      ['set:admin', 'LAST_OWNER'],
      ['set:member', 'LAST_OWNER'],
      ['set:viewer', 'LAST_OWNER'],
      ['remove', 'LAST_OWNER'],
    ])('%s → %s', (name, expected) => {
      expect(outcome(members, actor, changeFor(name, actor))).toBe(expected);
    });

    it('explains what to do', () => {
      expect(planRoleChange(members, actor, { kind: 'remove', userId: actor })).toStrictEqual({
        ok: false,
        reason: 'LAST_OWNER',
        message:
          'LAST_OWNER: an organization keeps at least one owner; make someone else owner first.',
      });
    });

    it('may step down once someone else is owner', () => {
      const promoted = planRoleChange(members, actor, {
        kind: 'set',
        userId: target,
        role: 'owner',
      });
      expect(promoted).toStrictEqual({
        ok: true,
        members: [
          { userId: actor, role: 'owner' },
          { userId: target, role: 'owner' },
        ],
        change: { kind: 'set', userId: target, role: 'owner' },
      });
      if (!promoted.ok) return;
      expect(
        planRoleChange(promoted.members, actor, { kind: 'remove', userId: actor }),
      ).toStrictEqual({
        ok: true,
        members: [{ userId: target, role: 'owner' }],
        change: { kind: 'remove', userId: actor },
      });
    });

    it('the sole member who is owner cannot leave', () => {
      expect(
        outcome([{ userId: actor, role: 'owner' }], actor, { kind: 'remove', userId: actor }),
      ).toBe('LAST_OWNER');
    });
  });
});

describe('planRoleChange: results', () => {
  const members: Member[] = [
    { userId: anchor, role: 'owner' },
    { userId: actor, role: 'admin' },
    { userId: target, role: 'viewer' },
  ];

  it('an actor who is not a member gets SCOPE_NOT_FOUND', () => {
    expect(
      planRoleChange(members, parseUserId('stranger'), { kind: 'remove', userId: target }),
    ).toStrictEqual({
      ok: false,
      reason: 'SCOPE_NOT_FOUND',
      message: 'SCOPE_NOT_FOUND: no such organization for this caller.',
    });
  });

  it('a denial names the rule', () => {
    expect(
      planRoleChange(members, actor, { kind: 'set', userId: target, role: 'admin' }),
    ).toStrictEqual({
      ok: false,
      reason: 'ROLE_REQUIRED',
      message: 'ROLE_REQUIRED: only an owner grants, changes or removes the owner or admin role.',
    });
    expect(planRoleChange(members, target, { kind: 'remove', userId: actor })).toStrictEqual({
      ok: false,
      reason: 'ROLE_REQUIRED',
      message: 'ROLE_REQUIRED: managing members needs owner or admin; you are viewer.',
    });
  });

  it('removing a non-member names them', () => {
    expect(
      planRoleChange(members, actor, { kind: 'remove', userId: parseUserId('ghost') }),
    ).toStrictEqual({
      ok: false,
      reason: 'MEMBER_NOT_FOUND',
      message: "MEMBER_NOT_FOUND: 'ghost' is not a member of this organization.",
    });
  });

  it('a role change replaces the entry in place', () => {
    expect(
      planRoleChange(members, actor, { kind: 'set', userId: target, role: 'member' }),
    ).toStrictEqual({
      ok: true,
      members: [
        { userId: anchor, role: 'owner' },
        { userId: actor, role: 'admin' },
        { userId: target, role: 'member' },
      ],
      change: { kind: 'set', userId: target, role: 'member' },
    });
  });

  it('an invite appends the new member', () => {
    const newcomer = parseUserId('newcomer');
    expect(
      planRoleChange(members, actor, { kind: 'set', userId: newcomer, role: 'viewer' }),
    ).toStrictEqual({
      ok: true,
      members: [...members, { userId: newcomer, role: 'viewer' }],
      change: { kind: 'set', userId: newcomer, role: 'viewer' },
    });
  });

  it('a removal drops the entry and leaves the input untouched', () => {
    const before = structuredClone(members);
    expect(planRoleChange(members, actor, { kind: 'remove', userId: target })).toStrictEqual({
      ok: true,
      members: members.slice(0, 2),
      change: { kind: 'remove', userId: target },
    });
    expect(members).toStrictEqual(before);
  });

  it('a user listed twice counts with the lower role as actor and the higher as target', () => {
    const twice: Member[] = [
      { userId: anchor, role: 'owner' },
      { userId: actor, role: 'admin' },
      { userId: actor, role: 'viewer' },
      { userId: target, role: 'member' },
      { userId: target, role: 'admin' },
    ];
    expect(outcome(twice, actor, { kind: 'set', userId: target, role: 'viewer' })).toBe(
      'ROLE_REQUIRED',
    );
    expect(outcome(twice, anchor, { kind: 'set', userId: actor, role: 'viewer' })).toBe('ok');
  });
});

describe('planRoleChange: properties', () => {
  const pool = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'].map(parseUserId);
  const userArb = fc.constantFrom(...pool);
  const roleArb = fc.constantFrom(...ROLES);
  const changeArb: fc.Arbitrary<RoleChange> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), userId: userArb, role: roleArb }),
    fc.record({ kind: fc.constant('remove' as const), userId: userArb }),
  );
  // A valid starting org: unique members, the first one an owner.
  const orgArb: fc.Arbitrary<Member[]> = fc
    .uniqueArray(fc.record({ userId: userArb, role: roleArb }), {
      selector: (m) => m.userId,
      minLength: 1,
      maxLength: 5,
    })
    .map((list) =>
      list.map((m, i): Member => ({ userId: m.userId, role: i === 0 ? 'owner' : m.role })),
    );
  const stepsArb = fc.array(fc.tuple(userArb, changeArb), { maxLength: 40 });

  it('no sequence of allowed changes leaves an organization without an owner', () => {
    fc.assert(
      fc.property(orgArb, stepsArb, (start, steps) => {
        let members = start;
        for (const [by, change] of steps) {
          const plan = planRoleChange(members, by, change);
          if (!plan.ok) continue;
          members = plan.members;
          expect(members.some((m) => m.role === 'owner')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('an allowed change touches only its target, and only an owner touches owners and admins', () => {
    fc.assert(
      fc.property(orgArb, userArb, changeArb, (members, by, change) => {
        const plan = planRoleChange(members, by, change);
        if (!plan.ok) return;
        const actorRole = members.find((m) => m.userId === by)?.role;
        expect(actorRole).toBeDefined();
        const before = members.find((m) => m.userId === change.userId)?.role;
        const after = plan.members.find((m) => m.userId === change.userId)?.role;
        expect(plan.members.filter((m) => m.userId !== change.userId)).toStrictEqual(
          members.filter((m) => m.userId !== change.userId),
        );
        expect(after).toBe(change.kind === 'set' ? change.role : undefined);
        const leaving = change.kind === 'remove' && change.userId === by;
        if (!leaving) expect(actorRole && roleAtLeast(actorRole, 'admin')).toBe(true);
        const privileged = [before, after].some((r) => r === 'owner' || r === 'admin');
        if (privileged && !leaving) expect(actorRole).toBe('owner');
      }),
      { numRuns: 2000 },
    );
  });

  it('a denied change says why and changes nothing', () => {
    fc.assert(
      fc.property(orgArb, userArb, changeArb, (members, by, change) => {
        const before = structuredClone(members);
        const plan = planRoleChange(members, by, change);
        expect(members).toStrictEqual(before);
        if (!plan.ok) expect(plan.message.startsWith(`${plan.reason}: `)).toBe(true);
      }),
    );
  });
});
