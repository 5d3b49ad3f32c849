import { selectAccount } from '@switchboard/identity';
import type { Connection } from '../api/types.ts';
import { accountName } from './format.ts';
import { statusWords } from './status.ts';

/**
 * What happens when a tool runs without an account picked, predicted from the accounts
 * `connections.list` returns for the tool's scope and toolkit. It is identity's own
 * `selectAccount`, the rule the API applies, so the console and the API cannot disagree.
 */
export type AccountChoice =
  /** Switchboard picks this one by itself. */
  | { kind: 'automatic'; account: Connection; via: 'default' | 'most_recent' | 'only' }
  /** Several active accounts and a policy that asks for a choice: the person must pick. */
  | { kind: 'must-choose'; accounts: Connection[] }
  /** The pinned default is not active: a run without a choice fails (ACCOUNT_INACTIVE). */
  | { kind: 'inactive-default'; account: Connection; others: Connection[] }
  /** No active account at all (`connected` counts the inactive ones). */
  | { kind: 'none'; connected: number };

export function planAccountChoice(
  accounts: readonly Connection[],
  options: { requireExplicitSelection: boolean },
): AccountChoice {
  const byId = new Map(accounts.map((account) => [account.id, account]));
  const candidates = accounts.map((account) => ({
    id: account.id,
    status: account.status,
    connectedAt: new Date(account.connectedAt),
    label: account.label,
  }));
  const selection = selectAccount(candidates, {
    pinnedDefaultId: accounts.find((account) => account.isDefault)?.id ?? null,
    requireExplicitSelection: options.requireExplicitSelection,
  });
  const active = accounts.filter((account) => account.status === 'ACTIVE');
  if (selection.ok) {
    const account = byId.get(selection.account.id);
    if (account && selection.via !== 'explicit') {
      return { kind: 'automatic', account, via: selection.via };
    }
  } else if (selection.reason === 'AMBIGUOUS_ACCOUNT') {
    return { kind: 'must-choose', accounts: active };
  } else if (selection.reason === 'ACCOUNT_INACTIVE' && selection.accountId) {
    const account = byId.get(selection.accountId);
    if (account) return { kind: 'inactive-default', account, others: active };
  }
  return { kind: 'none', connected: accounts.length };
}

const VIA_WORDS = {
  default: 'the pinned default',
  most_recent: 'the most recently connected',
  only: 'the only active account',
} as const;

/** "Switchboard will use Work (bob@work.example) — the pinned default." */
export function automaticChoiceWords(
  choice: Extract<AccountChoice, { kind: 'automatic' }>,
): string {
  return `Switchboard will use ${accountName(choice.account)} — ${VIA_WORDS[choice.via]}.`;
}

/** Why a run without a choice would fail, for a pinned default that is not active. */
export function inactiveDefaultWords(
  choice: Extract<AccountChoice, { kind: 'inactive-default' }>,
): string {
  const state = statusWords(choice.account.status, choice.account.statusReason);
  return `The pinned default, ${accountName(choice.account)}, is not active (${state.charAt(0).toLowerCase()}${state.slice(1)}): a run without choosing an account will fail, because Switchboard never switches to another account by itself.`;
}
