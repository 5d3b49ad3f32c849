import type { TRPCRouterRecord } from '@trpc/server';
import { parsed } from '../../trpc/parsed.js';
import { authedProcedure, orgProcedure } from '../../trpc/procedures.js';
import {
  createOrgInput,
  membersOutput,
  orgInput,
  orgOutput,
  removeMemberInput,
  setMemberInput,
} from './orgs.schema.js';
import {
  changeMembership,
  createOrganization,
  getOrganizationView,
  listMembers,
} from './orgs.service.js';

// Changing members needs only membership here: who may make which change (admins manage members,
// only an owner grants or removes owner and admin) is identity's planRoleChange, in the service.
const MEMBER_CHANGES =
  'admins and up of the organization (only an owner grants or removes owner and admin)';

export const membersRouter = {
  list: orgProcedure('org.read', orgInput)
    .output(parsed(membersOutput))
    .query(({ ctx }) => listMembers(ctx.deps, ctx.org.orgId)),
  set: orgProcedure('org.read', setMemberInput)
    .meta({ who: MEMBER_CHANGES, reasons: ['LAST_OWNER'] })
    .output(parsed(membersOutput))
    .mutation(({ ctx, input }) =>
      changeMembership(ctx.deps, ctx.userId, ctx.org.orgId, {
        kind: 'set',
        userId: input.userId,
        role: input.role,
      }),
    ),
  remove: orgProcedure('org.read', removeMemberInput)
    .meta({ who: MEMBER_CHANGES, reasons: ['LAST_OWNER'] })
    .output(parsed(membersOutput))
    .mutation(({ ctx, input }) =>
      changeMembership(ctx.deps, ctx.userId, ctx.org.orgId, {
        kind: 'remove',
        userId: input.userId,
      }),
    ),
} satisfies TRPCRouterRecord;

export const orgsRouter = {
  create: authedProcedure
    .meta({ reasons: ['ORG_EXISTS', 'INVALID_ORG_ID'] })
    .input(parsed(createOrgInput))
    .output(parsed(orgOutput))
    .mutation(({ ctx, input }) => createOrganization(ctx.deps, ctx.userId, input)),
  get: orgProcedure('org.read', orgInput)
    .output(parsed(orgOutput))
    .query(({ ctx }) => getOrganizationView(ctx.deps, ctx.org)),
  members: membersRouter,
} satisfies TRPCRouterRecord;
