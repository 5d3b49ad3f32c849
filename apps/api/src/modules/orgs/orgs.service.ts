import { randomBytes } from 'node:crypto';
import {
  checkOrgId,
  type OrgId,
  orgScope,
  planRoleChange,
  type RoleChange,
  type RolePlanFailure,
  type UserId,
} from '@switchboard/identity';
import { AppError, type Reason } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { recordRefusal } from '../audit/audit.service.js';
import type { OrgMembership } from '../callers/callers.repo.js';
import { recordEvent } from '../events/events.repo.js';
import { lockOrganization, membersOf, removeMember, setMemberRole } from './members.repo.js';
import { getOrganization, insertOrganization } from './orgs.repo.js';

/** An id from the name when none is given: readable, and unlikely to collide. */
function orgIdFromName(name: string): OrgId {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = randomBytes(3).toString('hex');
  const checked = checkOrgId(slug ? `${slug}-${suffix}` : `org-${suffix}`);
  if (!checked.ok)
    throw new AppError('INTERNAL', `Could not derive an organization id from "${name}"`);
  return checked.value;
}

/** A new organization, with its creator as owner. */
export async function createOrganization(
  deps: AppDeps,
  creator: UserId,
  input: { name: string; id?: OrgId | undefined },
) {
  const id = input.id ?? orgIdFromName(input.name);
  const now = deps.now();
  const created = await deps.db.transaction().execute(async (trx) => {
    const inserted = await insertOrganization(trx, {
      id,
      name: input.name,
      createdBy: creator,
      now,
    });
    if (inserted) {
      await setMemberRole(trx, id, creator, 'owner', now);
      await recordEvent(
        trx,
        {
          type: 'member.added',
          scope: orgScope(id),
          actor: { kind: 'user', id: creator },
          data: { userId: creator, role: 'owner' },
        },
        now,
      );
    }
    return inserted;
  });
  if (!created) throw new AppError('ORG_EXISTS', `An organization with id "${id}" already exists`);
  return { id, name: input.name, role: 'owner' as const, createdAt: now.toISOString() };
}

/** The organization the caller is a member of (`membership`, already checked). */
export async function getOrganizationView(deps: AppDeps, membership: OrgMembership) {
  const org = await getOrganization(deps.db, membership.orgId);
  if (!org) throw new AppError('NOT_FOUND', 'Organization was not found');
  return {
    id: org.id,
    name: org.name,
    role: membership.role,
    createdAt: org.createdAt.toISOString(),
  };
}

export async function listMembers(deps: AppDeps, orgId: OrgId) {
  return memberViews(deps, orgId);
}

const PLAN_FAILURES: Record<RolePlanFailure, Reason> = {
  ROLE_REQUIRED: 'ROLE_REQUIRED',
  LAST_OWNER: 'LAST_OWNER',
  MEMBER_NOT_FOUND: 'NOT_FOUND',
  SCOPE_NOT_FOUND: 'NOT_FOUND',
};

/**
 * Applies one membership change by `actor`, a member of `orgId`, in one transaction with the
 * organization's row locked, so two concurrent changes cannot both pass identity's "an owner
 * remains" rule. Who may make which change is identity's `planRoleChange` (rule 3: admins
 * manage members, only an owner grants or removes owner and admin).
 */
export async function changeMembership(
  deps: AppDeps,
  actor: UserId,
  orgId: OrgId,
  change: RoleChange,
) {
  const now = deps.now();
  let refused: AppError | undefined;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await lockOrganization(trx, orgId))) {
      throw new AppError('NOT_FOUND', 'Organization was not found');
    }
    const members = await membersOf(trx, orgId);
    const plan = planRoleChange(members, actor, change);
    if (!plan.ok) {
      refused = new AppError(PLAN_FAILURES[plan.reason], plan.message);
      return;
    }
    const previous = members.find((member) => member.userId === change.userId)?.role;
    const event = { scope: orgScope(orgId), actor: { kind: 'user' as const, id: actor } };
    if (change.kind === 'set') {
      await trx
        .insertInto('users')
        .values({ id: change.userId })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await setMemberRole(trx, orgId, change.userId, change.role, now);
      if (previous === undefined) {
        await recordEvent(
          trx,
          { ...event, type: 'member.added', data: { userId: change.userId, role: change.role } },
          now,
        );
      } else if (previous !== change.role) {
        await recordEvent(
          trx,
          {
            ...event,
            type: 'member.role_changed',
            data: { userId: change.userId, role: change.role, previousRole: previous },
          },
          now,
        );
      }
    } else {
      await removeMember(trx, orgId, change.userId);
      if (previous !== undefined) {
        await recordEvent(
          trx,
          {
            ...event,
            type: 'member.removed',
            data: { userId: change.userId, previousRole: previous },
          },
          now,
        );
      }
    }
  });
  if (refused) {
    // A member refused for their role is recorded in the organization's log.
    if (refused.reason === 'ROLE_REQUIRED') {
      await recordRefusal(deps, {
        actorUserId: actor,
        scope: orgScope(orgId),
        action: 'members.manage',
        target: change.userId,
        reason: refused.reason,
        channel: 'trpc',
      });
    }
    throw refused;
  }
  return memberViews(deps, orgId);
}

async function memberViews(deps: AppDeps, orgId: OrgId) {
  const members = await membersOf(deps.db, orgId);
  return members.map((m) => ({
    userId: m.userId,
    displayName: m.displayName,
    role: m.role,
    joinedAt: m.joinedAt.toISOString(),
  }));
}
