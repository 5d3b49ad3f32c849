import type { ConnectionStatus } from '../api/types.ts';

/**
 * A connected account's status for people. Typed against the API's status list, so a status
 * added there without words here fails the typecheck.
 */
const STATUS_WORDS: Record<ConnectionStatus, string> = {
  INITIALIZING: 'Starting',
  INITIATED: 'Waiting for consent',
  ACTIVE: 'Active',
  FAILED: 'Failed',
  EXPIRED: 'Expired',
  INACTIVE: 'Disabled',
  REVOKED: 'Revoked',
};

export function statusLabel(status: ConnectionStatus): string {
  return STATUS_WORDS[status] ?? humanizeCode(status);
}

/**
 * Why an account (or a connection request) is not active, as Switchboard, Composio and its
 * providers report it. The list is open: a provider may send a code nobody has seen yet.
 */
const STATUS_REASON_WORDS: Record<string, string> = {
  DELETED_UPSTREAM: 'the account was deleted at the provider',
  TOKEN_EXPIRED: 'its sign-in expired',
  DISABLED: 'it was disabled',
  DISABLED_BY_USER: 'it was disabled',
  USER_DENIED: 'the consent was denied',
  INITIATION_TIMEOUT: 'the consent page was not completed in time',
  SCOPE_MISMATCH: 'the provider connected it for someone else',
  EXPIRED: 'its sign-in expired',
  FAILED: 'the provider did not grant access',
};

/** `SOME_NEW_CODE` → `some new code`; anything that is not a code is returned as it is. */
export function humanizeCode(code: string): string {
  return /^[A-Z][A-Z0-9_]*$/.test(code) ? code.toLowerCase().replaceAll('_', ' ') : code;
}

/** A status reason as the end of a sentence: "the account was deleted at the provider". */
export function statusReasonWords(reason: string): string {
  return STATUS_REASON_WORDS[reason] ?? humanizeCode(reason);
}

/**
 * The whole state of an account in one phrase: "Active", "Revoked: the account was deleted at
 * the provider". An active account's leftover reason is not news, so it is left out.
 */
export function statusWords(status: ConnectionStatus, reason: string | null | undefined): string {
  const label = statusLabel(status);
  if (status === 'ACTIVE' || !reason) return label;
  return `${label}: ${statusReasonWords(reason)}`;
}

/** "The account was deleted at the provider." — a reason on a line of its own. */
export function statusReasonSentence(reason: string): string {
  const words = statusReasonWords(reason);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
}
