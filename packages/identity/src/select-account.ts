/** A connected account's status, as Composio reports it. Only `ACTIVE` accounts execute. */
export const ACCOUNT_STATUSES = [
  'INITIALIZING',
  'INITIATED',
  'ACTIVE',
  'FAILED',
  'EXPIRED',
  'INACTIVE',
  'REVOKED',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** The fields account selection needs; callers pass their own richer account type. */
export interface AccountCandidate {
  id: string;
  status: AccountStatus;
  connectedAt: Date;
  label?: string | null;
}

export type SelectionFailure =
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_INACTIVE'
  | 'NO_CONNECTED_ACCOUNT'
  | 'AMBIGUOUS_ACCOUNT';

export type Selection<A extends AccountCandidate> =
  | { ok: true; account: A; via: 'explicit' | 'default' | 'most_recent' | 'only' }
  | {
      ok: false;
      reason: SelectionFailure;
      message: string;
      candidates?: A[];
      accountId?: string;
    };

export interface SelectionOptions {
  /** The caller's `connectedAccountId`, if it named one. */
  explicitId?: string;
  /** The scope's pinned default for this toolkit (`null`/absent: none). */
  pinnedDefaultId?: string | null;
  /** From the toolkit policy: several ACTIVE accounts and no choice is an error. */
  requireExplicitSelection?: boolean;
  /** The toolkit's slug, only to name it in messages ("connect github"). */
  toolkit?: string;
}

function time(account: AccountCandidate): number {
  const ms = account.connectedAt.getTime();
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** Most recently connected first; equal times by id in ascending code-unit order. */
export function byRecency(a: AccountCandidate, b: AccountCandidate): number {
  const diff = time(b) - time(a);
  if (diff !== 0 && !Number.isNaN(diff)) return diff;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

function describe(account: AccountCandidate): string {
  return account.label ? `'${account.id}' (${account.label})` : `'${account.id}'`;
}

/**
 * Picks the connected account a tool runs with (docs/design.md rule 5). `accounts` must be ALL the
 * accounts of ONE scope and ONE toolkit, whatever their status — the list is what "belongs to
 * this scope" means, so an id not in it is not found.
 *
 * 1. `explicitId` given: that account, which must be in the list (else `ACCOUNT_NOT_FOUND`) and
 *    ACTIVE (else `ACCOUNT_INACTIVE`).
 * 2. else `pinnedDefaultId` given: that account, which must be ACTIVE (else `ACCOUNT_INACTIVE`:
 *    never silently switch). A pin that is not in the list fails with `ACCOUNT_NOT_FOUND` too:
 *    it means the pin and the account map disagree, and falling back would be a silent switch.
 * 3. else the ACTIVE accounts: none → `NO_CONNECTED_ACCOUNT`; one → it (`via: 'only'`); several
 *    and `requireExplicitSelection` → `AMBIGUOUS_ACCOUNT` listing them (most recent first);
 *    several otherwise → the most recently connected, ties to the smaller id.
 */
export function selectAccount<A extends AccountCandidate>(
  accounts: readonly A[],
  options: SelectionOptions,
): Selection<A> {
  const { explicitId, pinnedDefaultId, requireExplicitSelection = false } = options;
  const toolkit = options.toolkit === undefined ? 'this toolkit' : `'${options.toolkit}'`;
  if (explicitId !== undefined) return pick(accounts, explicitId, 'explicit', toolkit);
  if (pinnedDefaultId != null) return pick(accounts, pinnedDefaultId, 'default', toolkit);

  const active = accounts.filter((account) => account.status === 'ACTIVE').sort(byRecency);
  const [first] = active;
  if (first === undefined) {
    const count = accounts.length;
    return {
      ok: false,
      reason: 'NO_CONNECTED_ACCOUNT',
      message:
        count === 0
          ? `NO_CONNECTED_ACCOUNT: no account is connected for ${toolkit}; connect ${toolkit} first.`
          : `NO_CONNECTED_ACCOUNT: none of the ${count} account(s) for ${toolkit} is ACTIVE; reconnect one or connect ${toolkit} again.`,
    };
  }
  if (active.length === 1) return { ok: true, account: first, via: 'only' };
  if (requireExplicitSelection) {
    return {
      ok: false,
      reason: 'AMBIGUOUS_ACCOUNT',
      message: `AMBIGUOUS_ACCOUNT: ${active.length} ACTIVE accounts for ${toolkit} (${active.map(describe).join(', ')}); pass connectedAccountId or pin a default.`,
      candidates: active,
    };
  }
  return { ok: true, account: first, via: 'most_recent' };
}

function pick<A extends AccountCandidate>(
  accounts: readonly A[],
  id: string,
  via: 'explicit' | 'default',
  toolkit: string,
): Selection<A> {
  const what = via === 'explicit' ? 'Account' : 'The pinned default account';
  const account = accounts.find((candidate) => candidate.id === id);
  if (account === undefined) {
    return {
      ok: false,
      reason: 'ACCOUNT_NOT_FOUND',
      message: `ACCOUNT_NOT_FOUND: ${what} '${id}' is not an account of this scope for ${toolkit}.`,
      accountId: id,
    };
  }
  if (account.status !== 'ACTIVE') {
    return {
      ok: false,
      reason: 'ACCOUNT_INACTIVE',
      message: `ACCOUNT_INACTIVE: ${what} ${describe(account)} is ${account.status}; reconnect it${via === 'default' ? ' or pin another' : ''}.`,
      accountId: id,
    };
  }
  return { ok: true, account, via };
}
