import { describe, expect, it } from 'vitest';
import { humanizeCode, statusLabel, statusReasonSentence, statusWords } from './status.ts';

describe('account status words', () => {
  it('says a status and its reason for people', () => {
    expect(statusWords('REVOKED', 'DELETED_UPSTREAM')).toBe(
      'Revoked: the account was deleted at the provider',
    );
    expect(statusWords('EXPIRED', 'TOKEN_EXPIRED')).toBe('Expired: its sign-in expired');
    expect(statusWords('INACTIVE', 'DISABLED_BY_USER')).toBe('Disabled: it was disabled');
    expect(statusWords('EXPIRED', null)).toBe('Expired');
  });

  it('leaves out a reason an active account still carries', () => {
    expect(statusWords('ACTIVE', 'TOKEN_EXPIRED')).toBe('Active');
    expect(statusLabel('INITIATED')).toBe('Waiting for consent');
  });

  it('turns an unknown code into words and keeps a provider’s sentence as it is', () => {
    expect(humanizeCode('SOME_NEW_REASON')).toBe('some new reason');
    expect(statusWords('FAILED', 'SOME_NEW_REASON')).toBe('Failed: some new reason');
    expect(statusWords('FAILED', 'Access was revoked by the admin')).toBe(
      'Failed: Access was revoked by the admin',
    );
    expect(statusReasonSentence('DELETED_UPSTREAM')).toBe(
      'The account was deleted at the provider.',
    );
  });
});
