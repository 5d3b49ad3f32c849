import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_STATUSES,
  type AccountCandidate,
  type AccountStatus,
  byRecency,
  type Selection,
  selectAccount,
} from './select-account.js';

interface Account extends AccountCandidate {
  toolkit: string;
}

const account = (
  id: string,
  status: AccountStatus,
  connectedAt: string,
  label: string | null = null,
): Account => ({ id, status, connectedAt: new Date(connectedAt), label, toolkit: 'gmail' });

const work = account('ca_work', 'ACTIVE', '2026-01-02T00:00:00Z', 'work');
const personal = account('ca_personal', 'ACTIVE', '2026-01-03T00:00:00Z', 'personal');
const expired = account('ca_old', 'EXPIRED', '2026-01-04T00:00:00Z');
const pending = account('ca_pending', 'INITIATED', '2026-01-05T00:00:00Z');

describe('selectAccount: every outcome', () => {
  it('explicit: the named ACTIVE account', () => {
    expect(
      selectAccount([work, personal, expired], {
        explicitId: 'ca_work',
        pinnedDefaultId: 'ca_personal',
      }),
    ).toStrictEqual({ ok: true, account: work, via: 'explicit' });
  });

  it('explicit wins over requireExplicitSelection and a broken pin', () => {
    expect(
      selectAccount([work, personal, expired], {
        explicitId: 'ca_personal',
        pinnedDefaultId: 'ca_old',
        requireExplicitSelection: true,
      }),
    ).toStrictEqual({ ok: true, account: personal, via: 'explicit' });
  });

  it('explicit but not in this scope and toolkit → ACCOUNT_NOT_FOUND', () => {
    expect(
      selectAccount([work, personal], { explicitId: 'ca_someone_else', toolkit: 'gmail' }),
    ).toStrictEqual({
      ok: false,
      reason: 'ACCOUNT_NOT_FOUND',
      message:
        "ACCOUNT_NOT_FOUND: Account 'ca_someone_else' is not an account of this scope for 'gmail'.",
      accountId: 'ca_someone_else',
    });
  });

  it('explicit but not ACTIVE → ACCOUNT_INACTIVE, no fallback', () => {
    expect(selectAccount([work, personal, expired], { explicitId: 'ca_old' })).toStrictEqual({
      ok: false,
      reason: 'ACCOUNT_INACTIVE',
      message: "ACCOUNT_INACTIVE: Account 'ca_old' is EXPIRED; reconnect it.",
      accountId: 'ca_old',
    });
  });

  it('pinned default: used even when another account is more recent', () => {
    expect(selectAccount([work, personal], { pinnedDefaultId: 'ca_work' })).toStrictEqual({
      ok: true,
      account: work,
      via: 'default',
    });
  });

  it('pinned default satisfies requireExplicitSelection', () => {
    expect(
      selectAccount([work, personal], {
        pinnedDefaultId: 'ca_work',
        requireExplicitSelection: true,
      }),
    ).toStrictEqual({ ok: true, account: work, via: 'default' });
  });

  it('an expired pinned default fails and does not switch', () => {
    expect(selectAccount([work, personal, expired], { pinnedDefaultId: 'ca_old' })).toStrictEqual({
      ok: false,
      reason: 'ACCOUNT_INACTIVE',
      message:
        "ACCOUNT_INACTIVE: The pinned default account 'ca_old' is EXPIRED; reconnect it or pin another.",
      accountId: 'ca_old',
    });
  });

  it('a pinned default missing from the list fails (ACCOUNT_NOT_FOUND), does not switch', () => {
    expect(selectAccount([work, personal], { pinnedDefaultId: 'ca_gone' })).toStrictEqual({
      ok: false,
      reason: 'ACCOUNT_NOT_FOUND',
      message:
        "ACCOUNT_NOT_FOUND: The pinned default account 'ca_gone' is not an account of this scope for this toolkit.",
      accountId: 'ca_gone',
    });
  });

  it('a null pin means no pin', () => {
    expect(selectAccount([work, personal], { pinnedDefaultId: null })).toStrictEqual({
      ok: true,
      account: personal,
      via: 'most_recent',
    });
  });

  it('the only ACTIVE account', () => {
    expect(
      selectAccount([expired, work, pending], { requireExplicitSelection: true }),
    ).toStrictEqual({
      ok: true,
      account: work,
      via: 'only',
    });
  });

  it('most recently connected ACTIVE account', () => {
    expect(selectAccount([work, expired, personal, pending], {})).toStrictEqual({
      ok: true,
      account: personal,
      via: 'most_recent',
    });
  });

  it('ties in connectedAt go to the smaller id', () => {
    const b = account('ca_b', 'ACTIVE', '2026-01-02T00:00:00Z');
    const a = account('ca_a', 'ACTIVE', '2026-01-02T00:00:00Z');
    expect(selectAccount([b, a], {})).toStrictEqual({ ok: true, account: a, via: 'most_recent' });
    expect(selectAccount([a, b], {})).toStrictEqual({ ok: true, account: a, via: 'most_recent' });
  });

  it('two ACTIVE accounts with requireExplicitSelection → AMBIGUOUS_ACCOUNT listing both', () => {
    expect(
      selectAccount([work, expired, personal], {
        requireExplicitSelection: true,
        toolkit: 'gmail',
      }),
    ).toStrictEqual({
      ok: false,
      reason: 'AMBIGUOUS_ACCOUNT',
      message:
        "AMBIGUOUS_ACCOUNT: 2 ACTIVE accounts for 'gmail' ('ca_personal' (personal), 'ca_work' (work)); pass connectedAccountId or pin a default.",
      candidates: [personal, work],
    });
  });

  it('no accounts → NO_CONNECTED_ACCOUNT naming the toolkit', () => {
    expect(selectAccount([], { toolkit: 'github' })).toStrictEqual({
      ok: false,
      reason: 'NO_CONNECTED_ACCOUNT',
      message:
        "NO_CONNECTED_ACCOUNT: no account is connected for 'github'; connect 'github' first.",
    });
  });

  it('only broken accounts → NO_CONNECTED_ACCOUNT', () => {
    expect(selectAccount([expired, pending], { requireExplicitSelection: true })).toStrictEqual({
      ok: false,
      reason: 'NO_CONNECTED_ACCOUNT',
      message:
        'NO_CONNECTED_ACCOUNT: none of the 2 account(s) for this toolkit is ACTIVE; reconnect one or connect this toolkit again.',
    });
  });

  it.each(ACCOUNT_STATUSES.filter((status) => status !== 'ACTIVE'))(
    'a %s account is never chosen',
    (status) => {
      const broken = account('ca_x', status, '2030-01-01T00:00:00Z');
      expect(selectAccount([broken], {})).toMatchObject({
        ok: false,
        reason: 'NO_CONNECTED_ACCOUNT',
      });
      expect(selectAccount([broken, work], { explicitId: 'ca_x' })).toMatchObject({
        ok: false,
        reason: 'ACCOUNT_INACTIVE',
      });
      expect(selectAccount([broken, work], { pinnedDefaultId: 'ca_x' })).toMatchObject({
        ok: false,
        reason: 'ACCOUNT_INACTIVE',
      });
      expect(selectAccount([broken, work], {})).toStrictEqual({
        ok: true,
        account: work,
        via: 'only',
      });
    },
  );

  it('an invalid connectedAt sorts as oldest', () => {
    const undated = account('ca_0', 'ACTIVE', 'not a date');
    expect(selectAccount([undated, work], {})).toStrictEqual({
      ok: true,
      account: work,
      via: 'most_recent',
    });
  });
});

describe('selectAccount: properties', () => {
  const accountArb = fc.record({
    id: fc.constantFrom('ca_1', 'ca_2', 'ca_3', 'ca_4', 'ca_5', 'ca_6'),
    status: fc.constantFrom(...ACCOUNT_STATUSES),
    connectedAt: fc.integer({ min: 0, max: 5 }).map((day) => new Date(Date.UTC(2026, 0, day + 1))),
  });
  const accountsArb = fc.uniqueArray(accountArb, { selector: (a) => a.id, maxLength: 6 });
  const optionsArb = fc.record(
    {
      explicitId: fc.constantFrom('ca_1', 'ca_2', 'ca_9'),
      pinnedDefaultId: fc.option(fc.constantFrom('ca_1', 'ca_3', 'ca_9'), { nil: null }),
      requireExplicitSelection: fc.boolean(),
    },
    { requiredKeys: [] },
  );

  it('chooses only an ACTIVE account from the list', () => {
    fc.assert(
      fc.property(accountsArb, optionsArb, (accounts, options) => {
        const selection = selectAccount(accounts, options);
        if (!selection.ok) return;
        expect(accounts).toContain(selection.account);
        expect(selection.account.status).toBe('ACTIVE');
      }),
      { numRuns: 1000 },
    );
  });

  it('never switches away from an explicit or pinned choice', () => {
    fc.assert(
      fc.property(accountsArb, optionsArb, (accounts, options) => {
        const selection = selectAccount(accounts, options);
        const chosen = options.explicitId ?? options.pinnedDefaultId ?? undefined;
        if (chosen === undefined) return;
        if (selection.ok) expect(selection.account.id).toBe(chosen);
        else expect(selection.accountId).toBe(chosen);
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on the order of the list', () => {
    fc.assert(
      fc.property(
        accountsArb.chain((accounts) =>
          fc.tuple(
            fc.constant(accounts),
            fc.shuffledSubarray(accounts, { minLength: accounts.length }),
          ),
        ),
        optionsArb,
        ([accounts, shuffled], options) => {
          const strip = (s: Selection<AccountCandidate>) => (s.ok ? s : { ...s, message: '' });
          expect(strip(selectAccount(shuffled, options))).toStrictEqual(
            strip(selectAccount(accounts, options)),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('without a choice, the pick is the most recent ACTIVE account or a failure with reason', () => {
    fc.assert(
      fc.property(accountsArb, fc.boolean(), (accounts, requireExplicitSelection) => {
        const selection = selectAccount(accounts, { requireExplicitSelection });
        const active = accounts.filter((a) => a.status === 'ACTIVE').sort(byRecency);
        if (active.length === 0) {
          expect(selection).toMatchObject({ ok: false, reason: 'NO_CONNECTED_ACCOUNT' });
        } else if (active.length > 1 && requireExplicitSelection) {
          expect(selection).toMatchObject({
            ok: false,
            reason: 'AMBIGUOUS_ACCOUNT',
            candidates: active,
          });
        } else {
          expect(selection).toMatchObject({ ok: true, account: active[0] });
          for (const other of active) {
            expect(other.connectedAt.getTime()).toBeLessThanOrEqual(
              (selection.ok ? selection.account : other).connectedAt.getTime(),
            );
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
