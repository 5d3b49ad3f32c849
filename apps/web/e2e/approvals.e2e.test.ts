import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actIn,
  launchBrowser,
  openWindow,
  screenshot,
  screenshotOnFailure,
  signIn,
} from './support/browser.ts';
import { type Stack, startStack } from './support/stack.ts';

describe('Approvals: a member asks to delete a channel of Acme’s Slack, an admin says yes', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    await stack.as('alice').policies.set.mutate({
      orgId: 'acme',
      toolkit: 'slack',
      scope: 'org',
      approvalTools: ['SLACK_DELETE_CHANNEL'],
    });
    await stack.connect('alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme-hq@x.test' });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('bob runs a held tool: nothing runs, he is told it waits for an approver', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'approvals-bob-asks');
    await signIn(page, stack.webUrl, 'bob');
    await actIn(page, 'acme');
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('checkbox', { name: 'Slack' }).check();
    const slack = page.getByRole('region', { name: 'Slack' });
    await slack.getByRole('button', { name: /Delete a Slack channel/ }).click();
    const runner = page.getByRole('region', { name: 'Delete a Slack channel' });
    await runner.getByLabel(/^Channel/).fill('#random');
    await runner.getByRole('button', { name: 'Run' }).click();
    const held = runner.locator('[data-reason="APPROVAL_REQUIRED"]');
    await held.waitFor();
    expect(await held.textContent()).toContain('Sent for approval');
    // Bob is no approver: no count for him.
    expect(await page.getByTestId('approvals-count').count()).toBe(0);
    await runner.getByRole('link', { name: 'Follow it on the Approvals page' }).click();
    const mine = page.getByTestId('my-request');
    await mine.getByText('Waiting for an approver').waitFor();
    await context.close();
  });

  it('alice sees the count, reads the arguments and approves with a note; bob reads the result', async () => {
    const alice = await openWindow(browser);
    screenshotOnFailure(alice.page, 'approvals-alice');
    await signIn(alice.page, stack.webUrl, 'alice');
    await actIn(alice.page, 'acme');
    const count = alice.page.getByTestId('approvals-count');
    await count.waitFor();
    expect((await count.textContent())?.trim()).toMatch(/^1/);
    await alice.page.getByRole('link', { name: /^Approvals/ }).click();
    const card = alice.page.getByRole('listitem', { name: 'SLACK_DELETE_CHANNEL asked by bob' });
    await card.waitFor();
    expect(await card.textContent()).toContain('"channel": "#random"');
    expect(await card.textContent()).toContain('acme-hq@x.test');
    await card.getByLabel('Note (optional)').fill('random is unused');
    await screenshot(alice.page, 'approvals-alice-waiting');
    await card.getByRole('button', { name: 'Approve and run' }).click();
    const decided = alice.page.getByRole('region', { name: 'Decided' });
    await decided.getByText('Approved and ran').waitFor();
    expect(await decided.textContent()).toContain('random is unused');
    await alice.page.getByText('Nothing waits for you.').waitFor();
    await count.waitFor({ state: 'detached' });
    await screenshot(alice.page, 'approvals-alice');
    await alice.context.close();

    const bob = await openWindow(browser);
    screenshotOnFailure(bob.page, 'approvals-bob-result');
    await signIn(bob.page, stack.webUrl, 'bob', '/approvals');
    await actIn(bob.page, 'acme');
    const mine = bob.page.getByTestId('my-request');
    await mine.getByText('Approved and ran').waitFor();
    expect(await mine.textContent()).toContain('It ran. The tool answered:');
    expect(await mine.textContent()).toContain('"ok": true');
    await screenshot(bob.page, 'approvals-bob-result');
    await bob.context.close();

    // The channel is gone from Acme's workspace: the approved call really ran, once.
    const channels = await stack.as('alice').tools.execute.mutate({
      tool: 'SLACK_LIST_CHANNELS',
      arguments: {},
      orgId: 'acme',
    });
    expect(JSON.stringify(channels.data)).not.toContain('"random"');
  });
});
