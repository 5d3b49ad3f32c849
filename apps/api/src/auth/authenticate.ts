import type { Principal, UserId } from '@switchboard/identity';
import { AppError } from '../errors.js';
import type { AccountRecord } from '../repos/accounts.repo.js';
import type { AccountsWanted, OrgMembership } from '../repos/memberships.repo.js';
import { ensureUser } from '../repos/users.repo.js';
import type { AppDeps, Context } from '../trpc/context.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** The authenticated caller: identity's principal, with what the read brought of each org. */
export interface Caller extends Principal {
  memberships: readonly OrgMembership[];
}

/** The caller with what the request's read brought of the user themself. */
export interface CallerWithProfile extends Caller {
  displayName: string | null;
}

/** Who the bearer token says is calling; reads nothing from the database. */
export async function verifyCaller(ctx: Context): Promise<UserId> {
  const header = ctx.authorization;
  if (!header)
    throw new AppError('UNAUTHENTICATED', 'An Authorization: Bearer <token> header is required');
  const token = BEARER.exec(header)?.[1];
  if (!token)
    throw new AppError('INVALID_TOKEN', 'The Authorization header must be "Bearer <token>"');
  return ctx.deps.tokens.verify(token);
}

/**
 * The caller as identity sees it. Memberships are read on every request, so a removed member
 * loses the organization's accounts on their next call.
 */
export async function loadCaller(deps: AppDeps, userId: UserId): Promise<CallerWithProfile> {
  await ensureUser(deps.db, userId);
  const { displayName, memberships } = await deps.callers.snapshot(userId);
  return { userId, displayName, memberships };
}

/**
 * `loadCaller`, with the accounts of the caller's own scope and of the organization named (if
 * they are a member) read in the same round trip.
 */
export async function loadCallerWithAccounts(
  deps: AppDeps,
  userId: UserId,
  wanted: AccountsWanted,
): Promise<{ caller: Caller; accounts: AccountRecord[] }> {
  await ensureUser(deps.db, userId);
  const { memberships, accounts } = await deps.callers.accounts(userId, wanted);
  return { caller: { userId, memberships }, accounts };
}

export async function authenticate(ctx: Context): Promise<CallerWithProfile> {
  return loadCaller(ctx.deps, await verifyCaller(ctx));
}
