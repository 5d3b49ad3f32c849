import { describe, expect, it } from 'vitest';
import { EmulatorState } from './store.js';

// The state machine of connected accounts, without HTTP.

const URL_BASE = 'http://emulator.test';

function setup(start = 1_000_000) {
  let now = start;
  const state = new EmulatorState({ now: () => now, linkTtlMs: 1_000 });
  const authConfig = state.createAuthConfig({ toolkit: 'github' });
  const link = (userId = 'alice') => state.link({ authConfigId: authConfig.id, userId }, URL_BASE);
  const tokenOf = (redirectUrl: string | null) => redirectUrl?.split('/').at(-1) ?? '';
  return { state, authConfig, link, tokenOf, tick: (ms: number) => (now += ms) };
}

describe('links', () => {
  it('expire lazily at the TTL, dated when they ran out', () => {
    const { state, link, tick } = setup();
    const { account } = link();
    tick(999);
    expect(state.getAccount(account.id).status).toBe('INITIATED');
    tick(5_000);
    expect(state.getAccount(account.id)).toMatchObject({
      status: 'EXPIRED',
      statusReason: 'INITIATION_TIMEOUT',
      updatedAt: 1_001_000,
    });
  });

  it('an expired link can no longer be completed', () => {
    const { state, link, tokenOf, tick } = setup();
    const { redirectUrl } = link();
    tick(1_000);
    expect(state.consentTarget(tokenOf(redirectUrl)).kind).toBe('expired');
    expect(() =>
      state.completeConsent(tokenOf(redirectUrl), { approve: true, identity: 'a@x.test' }),
    ).toThrow('Consent link is expired');
  });

  it('a refresh supersedes the previous link', () => {
    const { state, link, tokenOf, tick } = setup();
    const first = link();
    tick(2_000);
    const second = state.refresh(first.account.id, {}, URL_BASE);
    expect(second.account.id).toBe(first.account.id);
    expect(state.consentTarget(tokenOf(first.redirectUrl)).kind).toBe('used');
    expect(state.consentTarget(tokenOf(second.redirectUrl)).kind).toBe('pending');
  });
});

describe('refresh', () => {
  it('keeps id, alias and identity; a denied re-consent fails the account', () => {
    const { state, authConfig, tokenOf } = setup();
    const { account, redirectUrl } = state.link(
      { authConfigId: authConfig.id, userId: 'alice', alias: 'Work' },
      URL_BASE,
    );
    state.completeConsent(tokenOf(redirectUrl), { approve: true, identity: 'alice@x.test' });
    state.expire(account.id);
    const again = state.refresh(account.id, { callbackUrl: 'https://app.test/cb' }, URL_BASE);
    expect(state.getAccount(account.id)).toMatchObject({
      status: 'INITIATED',
      alias: 'Work',
      identity: 'alice@x.test',
      callbackUrl: 'https://app.test/cb',
    });
    const { callbackUrl } = state.completeConsent(tokenOf(again.redirectUrl), { approve: false });
    expect(callbackUrl).toBe('https://app.test/cb');
    expect(state.getAccount(account.id)).toMatchObject({
      status: 'FAILED',
      statusReason: 'USER_DENIED',
    });
  });

  it('refuses a disabled account', () => {
    const { state } = setup();
    const a = state.seedAccount({ userId: 'a', toolkit: 'github', identity: 'a@x.test' }, URL_BASE);
    state.setEnabled(a.id, false);
    expect(() => state.refresh(a.id, {}, URL_BASE)).toThrow('is disabled');
  });
});

describe('most recent ACTIVE account', () => {
  it('breaks clock ties by activation order', () => {
    const { state } = setup();
    const seed = (identity: string) =>
      state.seedAccount({ userId: 'alice', toolkit: 'github', identity }, URL_BASE);
    seed('one@x.test');
    const two = seed('two@x.test');
    expect(state.mostRecentActive('alice', 'github')?.id).toBe(two.id);
  });

  it('counts re-activation as connecting again', () => {
    const { state, link, tokenOf, tick } = setup();
    const first = link();
    state.completeConsent(tokenOf(first.redirectUrl), { approve: true, identity: 'a@x.test' });
    tick(10);
    const second = link();
    state.completeConsent(tokenOf(second.redirectUrl), { approve: true, identity: 'b@x.test' });
    tick(10);
    state.expire(first.account.id);
    const again = state.refresh(first.account.id, {}, URL_BASE);
    state.completeConsent(tokenOf(again.redirectUrl), { approve: true, identity: 'a@x.test' });
    expect(state.mostRecentActive('alice', 'github')?.id).toBe(first.account.id);
  });
});

describe('queries', () => {
  it('order newest first by default and filter by several fields', () => {
    const { state, tick } = setup();
    const seed = (userId: string, toolkit: string) => {
      tick(1);
      return state.seedAccount({ userId, toolkit, identity: `${userId}@x.test` }, URL_BASE).id;
    };
    const a = seed('alice', 'github');
    const b = seed('alice', 'slack');
    const c = seed('bob', 'github');
    expect(state.queryAccounts().map((x) => x.id)).toStrictEqual([c, b, a]);
    expect(state.queryAccounts({ direction: 'asc' }).map((x) => x.id)).toStrictEqual([a, b, c]);
    expect(
      state.queryAccounts({ userIds: ['alice'], toolkitSlugs: ['GITHUB'] }).map((x) => x.id),
    ).toStrictEqual([a]);
    expect(
      state.queryAccounts({ ids: [b, c], statuses: ['ACTIVE'] }).map((x) => x.id),
    ).toStrictEqual([c, b]);
  });

  it('forget deleted accounts', () => {
    const { state } = setup();
    const a = state.seedAccount(
      { userId: 'alice', toolkit: 'gmail', identity: 'a@x.test' },
      URL_BASE,
    );
    state.deleteAccount(a.id);
    expect(state.queryAccounts({ userIds: ['alice'] })).toStrictEqual([]);
    expect(() => state.getAccount(a.id)).toThrow(`Connected account ${a.id} not found`);
  });
});

describe('faults', () => {
  it('match method and path prefix, and run out after `times`', () => {
    const { state } = setup();
    const fault = state.addFault({
      method: 'get',
      path: '/api/v3.1/tools/*',
      status: 500,
      times: 1,
    });
    expect(state.takeFault('POST', '/api/v3.1/tools/X')).toBeUndefined();
    expect(state.takeFault('GET', '/api/v3.1/toolkits')).toBeUndefined();
    expect(state.takeFault('GET', '/api/v3.1/tools/X')?.id).toBe(fault.id);
    expect(state.takeFault('GET', '/api/v3.1/tools/X')).toBeUndefined();
    expect(fault.hits).toBe(1);
  });
});
