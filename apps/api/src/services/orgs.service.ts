import { randomBytes } from 'node:crypto';
import {
  checkOrgId,
  type OrgId,
  orgScope,
  type Principal,
  planRoleChange,
  type RoleChange,
  type RolePlanFailure,
} from '@switchboard/identity';
import { AppError, type Reason } from '../errors.js';
import {
  lockOrganization,
  membersOf,
  removeMember,
  setMemberRole,
} from '../repos/memberships.repo.js';
import { getOrganization, insertOrganization } from '../repos/orgs.repo.js';
import type { AppDeps } from '../trpc/context.js';
import { authorize } from '../trpc/procedures.js';

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

export async function createOrganization(
  deps: AppDeps,
  principal: Principal,
  input: { name: string; id?: OrgId | undefined },
) {
  const id = input.id ?? orgIdFromName(input.name);
  const now = deps.now();
  const created = await deps.db.transaction().execute(async (trx) => {
    const inserted = await insertOrganization(trx, {
      id,
      name: input.name,
      createdBy: principal.userId,
      now,
    });
    if (inserted) await setMemberRole(trx, id, principal.userId, 'owner', now);
    return inserted;
  });
  if (!created) throw new AppError('ORG_EXISTS', `An organization with id "${id}" already exists`);
  return { id, name: input.name, role: 'owner' as const, createdAt: now.toISOString() };
}

export async function getOrganizationView(deps: AppDeps, principal: Principal, orgId: OrgId) {
  authorize(principal, 'org.read', { scope: orgScope(orgId) });
  const org = await getOrganization(deps.db, orgId);
  const membership = principal.memberships.find((m) => m.orgId === orgId);
  if (!org || !membership) throw new AppError('NOT_FOUND', 'Organization was not found');
  return {
    id: org.id,
    name: org.name,
    role: membership.role,
    createdAt: org.createdAt.toISOString(),
  };
}

export async function listMembers(deps: AppDeps, principal: Principal, orgId: OrgId) {
  authorize(principal, 'org.read', { scope: orgScope(orgId) });
  return memberViews(deps, orgId);
}

const PLAN_FAILURES: Record<RolePlanFailure, Reason> = {
  ROLE_REQUIRED: 'ROLE_REQUIRED',
  LAST_OWNER: 'LAST_OWNER',
  MEMBER_NOT_FOUND: 'NOT_FOUND',
  SCOPE_NOT_FOUND: 'NOT_FOUND',
};

/**
 * Applies one membership change in one transaction, with the organization's row locked, so two
 * concurrent changes cannot both pass identity's "an owner remains" rule.
 */
export async function changeMembership(
  deps: AppDeps,
  principal: Principal,
  orgId: OrgId,
  change: RoleChange,
) {
  authorize(principal, 'org.read', { scope: orgScope(orgId) });
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await lockOrganization(trx, orgId))) {
      throw new AppError('NOT_FOUND', 'Organization was not found');
    }
    const members = await membersOf(trx, orgId);
    const plan = planRoleChange(members, principal.userId, change);
    if (!plan.ok) throw new AppError(PLAN_FAILURES[plan.reason], plan.message);
    if (change.kind === 'set') {
      await trx
        .insertInto('users')
        .values({ id: change.userId })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await setMemberRole(trx, orgId, change.userId, change.role, now);
    } else {
      await removeMember(trx, orgId, change.userId);
    }
  });
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
