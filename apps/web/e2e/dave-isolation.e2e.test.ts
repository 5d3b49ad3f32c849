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

describe('dave, in no organization, sees nothing of Acme', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    // Acme has a shared Slack account that its members use, and alice a personal GitHub.
    const alice = stack.as('alice');
    await alice.policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await stack.connect('alice', {
      toolkit: 'slack',
      orgId: 'acme',
      label: 'Acme HQ',
      identity: 'acme-hq@example.test',
    });
    await stack.connect('alice', { toolkit: 'github', identity: 'alice@example.test' });
    await stack.as('bob').tools.execute.mutate({
      tool: 'SLACK_SEND_MESSAGE',
      arguments: { channel: '#general', text: 'Acme only' },
      orgId: 'acme',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('sees none of Acme’s accounts, tools or activity', async () => {
    const { page } = await openWindow(browser, { width: 390, height: 844 });
    screenshotOnFailure(page, 'dave-isolation');
    await signIn(page, stack.webUrl, 'dave');

    // No organization to act in.
    const orgs = await page
      .getByLabel('Acting in')
      .locator('option')
      .evaluateAll((options) => options.map((o) => o.textContent));
    expect(orgs).toStrictEqual(['Personal only']);

    // Connections: his own (none), and no organization section.
    await page.getByText('You have not connected any accounts yet.').waitFor();
    expect(await page.getByText('Acme HQ').count()).toBe(0);
    expect(await page.getByRole('region', { name: /Acme/ }).count()).toBe(0);

    // Tools: Slack runs in his personal scope, where nothing is connected.
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('checkbox', { name: 'Slack' }).check();
    const slack = page.getByRole('region', { name: 'Slack' });
    await slack.getByText('Runs in: your personal accounts').waitFor();
    await slack.getByRole('button', { name: /Send a message to a Slack channel/ }).click();
    const runner = page.getByRole('region', { name: 'Send a message to a Slack channel' });
    await runner.getByLabel(/^Channel/).fill('#general');
    await runner.getByLabel(/^Text/).fill('Hello?');
    await runner.getByRole('button', { name: 'Run' }).click();
    const noAccount = runner.locator('[role="alert"][data-reason="NO_CONNECTED_ACCOUNT"]');
    await noAccount.waitFor();
    expect(await noAccount.textContent()).toContain('your personal accounts');
    await noAccount.getByRole('button', { name: 'Connect Slack' }).waitFor();

    // Activity: only his own attempt, nothing of Acme's.
    await page.getByRole('link', { name: 'Activity' }).click();
    const rows = page.locator('table.activity tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    const row = (await rows.first().textContent()) ?? '';
    expect(row).toContain('SLACK_SEND_MESSAGE');
    expect(row).toContain('dave');
    expect(row).not.toContain('bob');
    expect(row).not.toContain('acme');

    // Asking for Acme by name gets the API's "not found", not a glimpse of it.
    await page.goto(`${stack.webUrl}/connections?org=acme`);
    const refused = page
      .getByRole('region', { name: 'acme’s accounts' })
      .locator('[role="alert"][data-reason="NOT_FOUND"]');
    await refused.waitFor();
    expect(await page.getByText('Acme HQ').count()).toBe(0);
    await screenshot(page, 'dave-isolation');
  });
});
