import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator } from '../../test/helpers.js';
import { completeConsent, type RunningEmulator } from '../index.js';

// completeConsent() over real HTTP.

let emulator: RunningEmulator;
let now = 1_700_000_000_000;
beforeAll(async () => {
  emulator = await startEmulator({ now: () => now });
});
afterAll(() => emulator.close());

function link(callbackUrl?: string) {
  const authConfig = emulator.state.createAuthConfig({ toolkit: 'notion' });
  return emulator.state.link(
    { authConfigId: authConfig.id, userId: "o'brien", ...(callbackUrl ? { callbackUrl } : {}) },
    emulator.url,
  );
}

it('approves as the pre-selected suggestion by default', async () => {
  const { account, redirectUrl } = link('https://app.test/cb');
  const result = await completeConsent(redirectUrl);
  expect(result).toStrictEqual({
    status: 302,
    location: `https://app.test/cb?status=success&connected_account_id=${account.id}`,
  });
  expect(account.identity).toBe('o-brien@example.test');
});

it('reports the page status and no location when the link is unusable', async () => {
  const { redirectUrl } = link();
  now += 600_000;
  expect(await completeConsent(redirectUrl)).toStrictEqual({ status: 410, location: null });
});

it('denies without a callback: the done page, no location', async () => {
  const { account, redirectUrl } = link();
  expect(await completeConsent(redirectUrl, { decision: 'deny' })).toStrictEqual({
    status: 200,
    location: null,
  });
  expect(account.status).toBe('FAILED');
});
