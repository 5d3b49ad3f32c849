import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  openWindow,
  screenshot,
  screenshotOnFailure,
  signIn,
} from './support/browser.ts';
import { type Stack, startStack } from './support/stack.ts';

// What a browser says when the API is gone: the console must say it in its own words instead.
const BROWSER_WORDS = /Failed to fetch|JSON|Unexpected end|NetworkError|TRPCClientError/;

describe('when Switchboard cannot be reached', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('says where it looked and asks whether the API runs, never the browser’s error', async () => {
    const { page } = await openWindow(browser);
    screenshotOnFailure(page, 'api-unreachable');
    await signIn(page, stack.webUrl, 'alice');
    const expected = `Cannot reach Switchboard at ${stack.webUrl}/trpc — is the API running?`;

    // The network refuses the call outright: fetch() rejects with "Failed to fetch".
    await page.route('**/trpc/**', (route) => route.abort('connectionrefused'));
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('checkbox', { name: 'GitHub' }).check();
    const refused = page
      .getByRole('region', { name: 'GitHub' })
      .locator('[role="alert"][data-reason="NETWORK"]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain(expected);
    expect(await refused.textContent()).not.toMatch(BROWSER_WORDS);
    await refused.getByRole('button', { name: 'Try again' }).waitFor();
    await page.unroute('**/trpc/**');

    // The API stops: the page's own server still answers /trpc, with an empty 502 that is not
    // JSON ("Unexpected end of JSON input").
    await stack.stopApi();
    await page.reload();
    const down = page.locator('main.centered [role="alert"][data-reason="NETWORK"]');
    await down.waitFor();
    expect(await down.textContent()).toContain(expected);
    expect(await down.textContent()).not.toMatch(BROWSER_WORDS);
    await down.getByRole('button', { name: 'Sign out' }).waitFor();
    await screenshot(page, 'api-unreachable');
  });
});
