import { describe, expect, it } from 'vitest';
import type { Connection } from '../api/types.ts';
import { automaticChoiceWords, inactiveDefaultWords, planAccountChoice } from './account-choice.ts';

function account(overrides: Partial<Connection> & { id: string }): Connection {
  return {
    toolkit: 'gmail',
    scope: { kind: 'user', id: 'bob' },
    label: null,
    upstreamIdentity: null,
    status: 'ACTIVE',
    statusReason: null,
    isDefault: false,
    connectedAt: '2026-01-01T00:00:00.000Z',
    connectedBy: 'bob',
    ...overrides,
  };
}

const work = account({
  id: 'ca_work',
  label: 'Work Gmail',
  upstreamIdentity: 'bob@work.example',
  connectedAt: '2026-01-01T00:00:00.000Z',
});
const home = account({
  id: 'ca_home',
  label: 'Home',
  upstreamIdentity: 'bob@home.example',
  connectedAt: '2026-02-01T00:00:00.000Z',
});
const free = { requireExplicitSelection: false };
const explicit = { requireExplicitSelection: true };

describe('planAccountChoice', () => {
  it('uses the pinned default, and says so', () => {
    const choice = planAccountChoice(
      [work, home].map((a) => ({ ...a, isDefault: a === work })),
      free,
    );
    expect(choice).toMatchObject({ kind: 'automatic', via: 'default', account: { id: 'ca_work' } });
    if (choice.kind !== 'automatic') throw new Error('expected automatic');
    expect(automaticChoiceWords(choice)).toBe(
      'Switchboard will use Work Gmail (bob@work.example) — the pinned default.',
    );
  });

  it('uses the most recently connected active account when none is pinned', () => {
    const choice = planAccountChoice(
      [
        work,
        home,
        account({ id: 'ca_new', status: 'EXPIRED', connectedAt: '2026-03-01T00:00:00.000Z' }),
      ],
      free,
    );
    expect(choice).toMatchObject({
      kind: 'automatic',
      via: 'most_recent',
      account: { id: 'ca_home' },
    });
    if (choice.kind !== 'automatic') throw new Error('expected automatic');
    expect(automaticChoiceWords(choice)).toBe(
      'Switchboard will use Home (bob@home.example) — the most recently connected.',
    );
  });

  it('uses the only active account, even when the policy asks for a choice', () => {
    expect(planAccountChoice([work], explicit)).toMatchObject({ kind: 'automatic', via: 'only' });
  });

  it('asks the person to pick among several under requireExplicitSelection, unless one is pinned', () => {
    expect(planAccountChoice([work, home], explicit)).toStrictEqual({
      kind: 'must-choose',
      accounts: [work, home],
    });
    expect(planAccountChoice([work, { ...home, isDefault: true }], explicit)).toMatchObject({
      kind: 'automatic',
      via: 'default',
      account: { id: 'ca_home' },
    });
  });

  it('warns that a run will fail when the pinned default is not active, never switching', () => {
    const expired = {
      ...work,
      isDefault: true,
      status: 'EXPIRED' as const,
      statusReason: 'TOKEN_EXPIRED',
    };
    const choice = planAccountChoice([expired, home], free);
    expect(choice).toStrictEqual({ kind: 'inactive-default', account: expired, others: [home] });
    if (choice.kind !== 'inactive-default') throw new Error('expected inactive-default');
    expect(inactiveDefaultWords(choice)).toBe(
      'The pinned default, Work Gmail (bob@work.example), is not active (expired: its sign-in expired): a run without choosing an account will fail, because Switchboard never switches to another account by itself.',
    );
  });

  it('has nothing to use without an active account', () => {
    expect(planAccountChoice([], free)).toStrictEqual({ kind: 'none', connected: 0 });
    expect(planAccountChoice([{ ...work, status: 'REVOKED' }], free)).toStrictEqual({
      kind: 'none',
      connected: 1,
    });
  });
});
