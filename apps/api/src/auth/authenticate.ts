import type { Principal } from '@switchboard/identity';
import { AppError } from '../errors.js';
import { membershipsOf, type OrgMembership } from '../repos/memberships.repo.js';
import { ensureUser } from '../repos/users.repo.js';
import type { Context } from '../trpc/context.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * The caller as identity sees it. Memberships are read on every request, so a removed member
 * loses the organization's accounts on their next call.
 */
/** The authenticated caller: identity's principal, with what the read brought of each org. */
export interface Caller extends Principal {
  memberships: readonly OrgMembership[];
}

export async function authenticate(
  ctx: Context,
): Promise<{ principal: Caller; memberships: readonly OrgMembership[] }> {
  const header = ctx.authorization;
  if (!header)
    throw new AppError('UNAUTHENTICATED', 'An Authorization: Bearer <token> header is required');
  const token = BEARER.exec(header)?.[1];
  if (!token)
    throw new AppError('INVALID_TOKEN', 'The Authorization header must be "Bearer <token>"');
  const userId = await ctx.deps.tokens.verify(token);
  await ensureUser(ctx.deps.db, userId);
  const memberships = await membershipsOf(ctx.deps.db, userId);
  return { principal: { userId, memberships }, memberships };
}
