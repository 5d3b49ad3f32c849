import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actIn,
  approveConsent,
  launchBrowser,
  openWindow,
  screenshot,
  screenshotOnFailure,
  signIn,
} from './support/browser.ts';
import { type Stack, startStack } from './support/stack.ts';

async function connectGmail(page: Page, webUrl: string, identity: string, label?: string) {
  const connect = page.getByRole('group', { name: 'Connect a personal account' });
  await connect.getByLabel('Toolkit').selectOption('gmail');
  if (label) await connect.getByLabel('Label').fill(label);
  await connect.getByRole('button', { name: 'Connect' }).click();
  await approveConsent(page, webUrl, identity);
  await page.getByText('Gmail connected').waitFor();
}

// At a phone's width: the whole flow has to work there too.
describe('bob keeps two Gmail accounts and picks the default', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('connects two, names them, makes the older the default, and a run uses it', async () => {
    const { page } = await openWindow(browser, { width: 375, height: 812 });
    screenshotOnFailure(page, 'bob-gmail');
    await signIn(page, stack.webUrl, 'bob');

    await connectGmail(page, stack.webUrl, 'bob-work@example.test', 'Work');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await connectGmail(page, stack.webUrl, 'bob-personal@example.test');

    const gmail = page.getByRole('region', { name: 'Gmail accounts' });
    await gmail.getByText('2 accounts').waitFor();

    // The second one came without a name: give it one.
    const unnamed = gmail.getByRole('listitem', { name: 'Unnamed account' });
    await unnamed.getByRole('button', { name: 'Rename' }).click();
    await unnamed.getByLabel('Label for this account').fill('Personal');
    await unnamed.getByRole('button', { name: 'Save label' }).click();
    const personal = gmail.getByRole('listitem', { name: 'Personal' });
    await personal.waitFor();
    expect(await personal.textContent()).toContain('bob-personal@example.test');

    // Without a default the newest account would run; pin the older one.
    const work = gmail.getByRole('listitem', { name: 'Work' });
    await work.getByRole('button', { name: 'Make default' }).click();
    await work.getByText('Default', { exact: true }).waitFor();
    expect(await personal.getByText('Default', { exact: true }).count()).toBe(0);

    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('checkbox', { name: 'Gmail' }).check();
    await page.getByRole('button', { name: /Get Gmail profile/ }).click();
    const runner = page.getByRole('region', { name: 'Get Gmail profile' });
    const account = runner.getByLabel('Account');
    await account.locator('option', { hasText: 'Work (bob-work@example.test) — default' }).waitFor({
      state: 'attached',
    });
    expect(await account.inputValue()).toBe('');
    // Nothing picked: the console says which account will run, and why.
    await runner
      .getByTestId('account-choice')
      .getByText('Switchboard will use Work (bob-work@example.test) — the pinned default.')
      .waitFor();
    await screenshot(page, 'tools-account-choice');
    await runner.getByRole('button', { name: 'Run' }).click();

    const result = runner.getByRole('region', { name: 'Result' });
    await result.waitFor();
    expect(await result.getByTestId('account-used').textContent()).toContain(
      'Work (bob-work@example.test)',
    );
    const data = JSON.parse((await result.getByTestId('result-data').textContent()) ?? '{}');
    expect(data).toMatchObject({ emailAddress: 'bob-work@example.test' });
    await result.scrollIntoViewIfNeeded();
    await screenshot(page, 'bob-gmail');
  });
  it('when Acme asks for an explicit choice, makes him pick, and runs the one he picks', async () => {
    await stack.as('alice').policies.set.mutate({
      orgId: 'acme',
      toolkit: 'gmail',
      scope: 'user',
      requireExplicitSelection: true,
    });
    const { page } = await openWindow(browser);
    screenshotOnFailure(page, 'bob-gmail-choose');
    await signIn(page, stack.webUrl, 'bob');
    // A pinned default is a choice; without it the policy wants one per run.
    const work = page.getByRole('listitem', { name: 'Work' });
    await work.getByRole('button', { name: 'Clear default' }).click();
    await work.getByRole('button', { name: 'Make default' }).waitFor();

    await actIn(page, 'acme');
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('checkbox', { name: 'Gmail' }).check();
    await page.getByRole('button', { name: /Get Gmail profile/ }).click();
    const runner = page.getByRole('region', { name: 'Get Gmail profile' });

    // "Switchboard chooses" is not offered: the console says why and asks for a pick.
    const hint = runner.getByTestId('account-choice');
    await hint
      .getByText('Acme’s policy asks you to choose: there are 2 active Gmail accounts')
      .waitFor();
    const account = runner.getByLabel('Account');
    const options = await account
      .locator('option')
      .evaluateAll((all) => all.map((o) => o.textContent ?? ''));
    expect(options.some((text) => text.startsWith('Let Switchboard choose'))).toBe(false);
    await runner.getByRole('button', { name: 'Run' }).click();
    await runner.getByText('Choose the account to run with.').waitFor();
    expect(await runner.getByRole('region', { name: 'Result' }).count()).toBe(0);
    await screenshot(page, 'tools-must-choose');

    await account.selectOption({ label: 'Personal (bob-personal@example.test)' });
    await runner.getByRole('button', { name: 'Run' }).click();
    const result = runner.getByRole('region', { name: 'Result' });
    await result.waitFor();
    expect(await result.getByTestId('account-used').textContent()).toContain(
      'Personal (bob-personal@example.test)',
    );
  });

  it('when the policy changed after the page loaded, offers the accounts the API lists', async () => {
    const { page } = await openWindow(browser);
    screenshotOnFailure(page, 'bob-gmail-choose');
    await signIn(page, stack.webUrl, 'bob');
    // A console that read the policy before it asked for a choice (a stale page).
    await page.route('**/trpc/**', async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      await route.fulfill({
        response,
        body: body.replaceAll(
          '"requireExplicitSelection":true',
          '"requireExplicitSelection":false',
        ),
      });
    });
    await actIn(page, 'acme');
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('checkbox', { name: 'Gmail' }).check();
    await page.getByRole('button', { name: /Get Gmail profile/ }).click();
    const runner = page.getByRole('region', { name: 'Get Gmail profile' });
    await runner.getByTestId('account-choice').getByText('the most recently connected').waitFor();
    await runner.getByRole('button', { name: 'Run' }).click();

    const choose = runner.locator('[role="alert"][data-reason="AMBIGUOUS_ACCOUNT"]');
    await choose.waitFor();
    expect(await choose.textContent()).toContain('Choose an account below');
    expect(await choose.getByRole('button', { name: /^Run with / }).count()).toBe(2);
    await choose
      .getByRole('button', { name: /^Run with Personal \(bob-personal@example.test\)/ })
      .click();

    const result = runner.getByRole('region', { name: 'Result' });
    await result.waitFor();
    expect(await result.getByTestId('account-used').textContent()).toContain(
      'Personal (bob-personal@example.test)',
    );
    expect(await runner.getByLabel('Account').inputValue()).not.toBe('');
    await screenshot(page, 'bob-gmail-choose');
  });
});
