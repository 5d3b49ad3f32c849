import type { Principal, UserId } from '@switchboard/identity';
import { AppError } from '../errors.js';
import type { AccountsWanted, OrgMembership } from '../modules/callers/callers.repo.js';
import type { AccountRecord } from '../modules/connections/accounts.repo.js';
import { ensureUser } from '../modules/users/users.repo.js';
import type { AppDeps } from '../platform/deps.js';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** The authenticated caller: identity's principal, with what the read brought of each org. */
export interface Caller extends Principal {
  memberships: readonly OrgMembership[];
}

/** The caller with what the request's read brought of the user themself. */
export interface CallerWithProfile extends Caller {
  displayName: string | null;
}

/** Who the bearer token in an `Authorization` header says is calling; reads no database. */
export async function verifyBearer(deps: AppDeps, header: string | undefined): Promise<UserId> {
  if (!header)
    throw new AppError('UNAUTHENTICATED', 'An Authorization: Bearer <token> header is required');
  const token = BEARER.exec(header)?.[1];
  if (!token)
    throw new AppError('INVALID_TOKEN', 'The Authorization header must be "Bearer <token>"');
  return deps.tokens.verify(token);
}

/**
 * The caller as identity sees it. Memberships are read on every request, so a removed member
 * loses the organization's accounts on their next call (rule 8).
 */
export async function loadCaller(deps: AppDeps, userId: UserId): Promise<CallerWithProfile> {
  await ensureUser(deps.db, deps.knownUsers, userId);
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
  await ensureUser(deps.db, deps.knownUsers, userId);
  const { memberships, accounts } = await deps.callers.accounts(userId, wanted);
  return { caller: { userId, memberships }, accounts };
}
