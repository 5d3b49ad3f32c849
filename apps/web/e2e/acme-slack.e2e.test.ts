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

/** Opens SLACK_SEND_MESSAGE on the Tools page, acting in Acme. */
async function openSlackSend(page: Page) {
  await page.getByRole('link', { name: 'Tools' }).click();
  await page.getByRole('checkbox', { name: 'Slack' }).check();
  const slack = page.getByRole('region', { name: 'Slack' });
  await slack.getByText('Runs in: Acme (organization)').waitFor();
  await slack.getByRole('button', { name: /Send a message to a Slack channel/ }).click();
  return page.getByRole('region', { name: 'Send a message to a Slack channel' });
}

describe("Acme's Slack: connected by its owner, used by a member, refused to a viewer", () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('alice routes Slack to Acme and connects it for Acme', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'acme-slack-alice');
    await signIn(page, stack.webUrl, 'alice');
    await actIn(page, 'acme');

    await page.getByRole('link', { name: 'Organization' }).click();
    await page.getByRole('button', { name: 'Add a toolkit policy' }).click();
    const editor = page.getByRole('form', { name: 'New toolkit policy' });
    await editor.getByLabel('Toolkit', { exact: true }).selectOption('slack');
    await editor.getByLabel('The organization’s (one shared set of accounts)').check();
    await editor.getByRole('button', { name: 'Save policy' }).click();
    await page
      .getByRole('listitem', { name: 'Slack policy' })
      .getByText('organization accounts')
      .waitFor();

    await page.getByRole('link', { name: 'Connections' }).click();
    const connect = page.getByRole('group', { name: 'Connect an account for Acme' });
    await connect.getByLabel('Toolkit').selectOption('slack');
    await connect.getByLabel('Label').fill('Acme HQ');
    await connect.getByRole('button', { name: 'Connect' }).click();
    await approveConsent(page, stack.webUrl, 'acme-hq@example.test');

    await page.getByText('Slack connected').waitFor();
    expect(new URL(page.url()).searchParams.get('org')).toBe('acme');
    const orgSection = page.getByRole('region', { name: 'Acme’s accounts' });
    const account = orgSection.getByRole('listitem', { name: 'Acme HQ' });
    await account.waitFor();
    expect(await account.textContent()).toContain('acme-hq@example.test');
    await screenshot(page, 'acme-slack-alice');
    await context.close();
  });

  it('bob sends a Slack message through Acme’s account', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'acme-slack-bob');
    await signIn(page, stack.webUrl, 'bob');
    await actIn(page, 'acme');
    const runner = await openSlackSend(page);
    await runner.getByLabel(/^Channel/).fill('#general');
    await runner.getByLabel(/^Text/).fill('Hello from bob');
    await runner.getByRole('button', { name: 'Run' }).click();

    const result = runner.getByRole('region', { name: 'Result' });
    await result.waitFor();
    expect(await result.getByTestId('account-used').textContent()).toContain('Acme HQ');
    expect(await result.getByTestId('scope-used').textContent()).toBe('Acme (organization)');
    const data = JSON.parse((await result.getByTestId('result-data').textContent()) ?? '{}');
    expect(data).toMatchObject({ ok: true, message: { text: 'Hello from bob' } });

    // The message landed in Acme's workspace: its owner reads it back through the API.
    const history = await stack.as('alice').tools.execute.mutate({
      tool: 'SLACK_LIST_MESSAGES',
      arguments: { channel: '#general' },
      orgId: 'acme',
    });
    expect(JSON.stringify(history.data)).toContain('Hello from bob');
    await screenshot(page, 'acme-slack-bob');
    await context.close();
  });

  it('carol is not offered Run, and a forced attempt shows the refusal', async () => {
    const { page } = await openWindow(browser);
    screenshotOnFailure(page, 'acme-slack-carol');
    await signIn(page, stack.webUrl, 'carol');
    await actIn(page, 'acme');
    let runner = await openSlackSend(page);
    await runner.getByTestId('run-not-offered').waitFor();
    expect(await runner.getByTestId('run-not-offered').textContent()).toContain('(viewer)');
    expect(await runner.getByRole('button', { name: 'Run' }).count()).toBe(0);

    // Force it: a tampered client that believes carol may run tools. The server still decides.
    await page.route('**/trpc/**', async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      await route.fulfill({
        response,
        body: body.replaceAll('"canExecute":false', '"canExecute":true'),
      });
    });
    await page.reload();
    runner = page.getByRole('region', { name: 'Send a message to a Slack channel' });
    await runner.getByLabel(/^Channel/).fill('#general');
    await runner.getByLabel(/^Text/).fill('Hello from carol');
    await runner.getByRole('button', { name: 'Run' }).click();

    const refusal = runner.locator('[role="alert"][data-reason="ROLE_REQUIRED"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Refused: your role may not run this tool');
    expect(await refusal.textContent()).toContain('viewer');
    await screenshot(page, 'acme-slack-carol-refused');
  });
});
