import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveConsent,
  launchBrowser,
  openWindow,
  screenshot,
  screenshotOnFailure,
  signIn,
} from './support/browser.ts';
import { type Stack, startStack } from './support/stack.ts';

describe('alice connects GitHub and runs a tool with it', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('connects through the consent page and runs GITHUB_GET_REPO on her repository', async () => {
    const { page } = await openWindow(browser);
    screenshotOnFailure(page, 'alice-github');
    await signIn(page, stack.webUrl, 'alice');
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();

    const connect = page.getByRole('group', { name: 'Connect a personal account' });
    await connect.getByLabel('Toolkit').selectOption('github');
    await connect.getByLabel('Label').fill('Work');
    await connect.getByRole('button', { name: 'Connect' }).click();
    await approveConsent(page, stack.webUrl, 'alice@example.test');

    // Back in the console: the outcome, and the account in the list, without a reload.
    await page.getByText('GitHub connected').waitFor();
    const account = page.getByRole('listitem', { name: 'Work' });
    await account.waitFor();
    expect(await account.textContent()).toContain('alice@example.test');
    expect(await account.textContent()).toContain('Active');
    expect(await account.textContent()).toContain('by you');

    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('checkbox', { name: 'GitHub' }).check();
    await page.getByRole('button', { name: /Get a repository/ }).click();
    const runner = page.getByRole('region', { name: 'Get a repository' });
    await runner.getByLabel(/^Owner/).fill('alice');
    await runner.getByLabel(/^Repo/).fill('notes');
    await runner.getByRole('button', { name: 'Run' }).click();

    const result = runner.getByRole('region', { name: 'Result' });
    await result.waitFor();
    expect(await result.getByTestId('account-used').textContent()).toContain(
      'Work (alice@example.test)',
    );
    expect(await result.getByTestId('scope-used').textContent()).toBe('Personal');
    const data = JSON.parse((await result.getByTestId('result-data').textContent()) ?? '{}');
    expect(data).toMatchObject({ full_name: 'alice/notes', private: true });
    await screenshot(page, 'alice-github');
  });
});
