import type { UserId } from './ids.js';
import { type Role, roleAtLeast, roleRank } from './roles.js';

/** One member of an organization. */
export interface Member {
  userId: UserId;
  role: Role;
}

/** Give a user a role (adding them when they are not a member yet), or remove them. */
export type RoleChange =
  | { kind: 'set'; userId: UserId; role: Role }
  | { kind: 'remove'; userId: UserId };

export type RolePlanFailure =
  | 'ROLE_REQUIRED'
  | 'LAST_OWNER'
  | 'MEMBER_NOT_FOUND'
  | 'SCOPE_NOT_FOUND';

export type RolePlan =
  | { ok: true; members: Member[]; change: RoleChange }
  | { ok: false; reason: RolePlanFailure; message: string };

const privileged = (role: Role): boolean => roleAtLeast(role, 'admin');

// Should a user be listed twice, the reading that denies more wins: the actor's lowest role, the
// target's highest.
function roleOf(
  members: readonly Member[],
  userId: UserId,
  keep: 'lowest' | 'highest',
): Role | null {
  let found: Role | null = null;
  for (const member of members) {
    if (member.userId !== userId) continue;
    const better =
      found === null ||
      (keep === 'lowest'
        ? roleRank(member.role) < roleRank(found)
        : roleRank(member.role) > roleRank(found));
    if (better) found = member.role;
  }
  return found;
}

function fail(reason: RolePlanFailure, message: string): RolePlan {
  return { ok: false, reason, message: `${reason}: ${message}` };
}

/**
 * Plans one membership change of one organization (docs/design.md rule 3, "manage members"), given
 * all its members. Returns the complete new member list for the API to apply in one
 * transaction, or why not. Checked in this order:
 *
 * 1. The actor is not a member → `SCOPE_NOT_FOUND` (the org does not exist for them).
 * 2. Removing oneself (leaving) is allowed for every role. Anything else needs admin+ →
 *    `ROLE_REQUIRED`.
 * 3. Removing someone who is not a member → `MEMBER_NOT_FOUND`. Setting a role for a
 *    non-member adds them (an invite); the role rules below apply as for anyone.
 * 4. When the target's current or new role is owner or admin, only an owner may do it →
 *    `ROLE_REQUIRED` (so an admin cannot promote to admin, demote an admin, or touch an owner).
 * 5. The result must keep at least one owner → `LAST_OWNER` (the last owner can neither leave
 *    nor step down; make someone else owner first).
 *
 * Setting the role someone already has is an allowed no-op when the actor could make it.
 */
export function planRoleChange(
  members: readonly Member[],
  actor: UserId,
  change: RoleChange,
): RolePlan {
  const actorRole = roleOf(members, actor, 'lowest');
  if (actorRole === null) return fail('SCOPE_NOT_FOUND', 'no such organization for this caller.');
  const leaving = change.kind === 'remove' && change.userId === actor;
  if (!leaving && !privileged(actorRole)) {
    return fail('ROLE_REQUIRED', `managing members needs owner or admin; you are ${actorRole}.`);
  }
  const current = roleOf(members, change.userId, 'highest');
  if (change.kind === 'remove' && current === null) {
    return fail('MEMBER_NOT_FOUND', `'${change.userId}' is not a member of this organization.`);
  }
  const touchesPrivileged =
    (current !== null && privileged(current)) || (change.kind === 'set' && privileged(change.role));
  if (!leaving && touchesPrivileged && actorRole !== 'owner') {
    return fail(
      'ROLE_REQUIRED',
      'only an owner grants, changes or removes the owner or admin role.',
    );
  }

  const copy = members.map(({ userId, role }) => ({ userId, role }));
  let next: Member[];
  if (change.kind === 'remove') {
    next = copy.filter((member) => member.userId !== change.userId);
  } else if (current === null) {
    next = [...copy, { userId: change.userId, role: change.role }];
  } else {
    next = copy.map((member) =>
      member.userId === change.userId ? { userId: member.userId, role: change.role } : member,
    );
  }
  if (!next.some((member) => member.role === 'owner')) {
    return fail(
      'LAST_OWNER',
      'an organization keeps at least one owner; make someone else owner first.',
    );
  }
  return { ok: true, members: next, change: { ...change } };
}
