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

describe('a connection left at the consent page waits to be resumed or cancelled', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('bob walks away from two consent pages, cancels one and finishes the other', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'connections-pending');
    // One started from another device (the API directly), one from this console and abandoned.
    const bob = stack.as('bob');
    const github = await bob.connections.authorize.mutate({ toolkit: 'github' });
    await signIn(page, stack.webUrl, 'bob');
    const connect = page.getByRole('group', { name: 'Connect a personal account' });
    await connect.getByLabel('Toolkit').selectOption('gmail');
    await connect.getByLabel('Label').fill('Work');
    await connect.getByRole('button', { name: 'Connect' }).click();
    await page.waitForURL(/\/consent\//);
    // The person closes the consent tab and comes back later.
    await page.goto(`${stack.webUrl}/connections`);

    const pending = page.getByRole('region', { name: 'Pending connections' });
    const gmail = pending.getByRole('listitem', { name: 'Connecting Gmail (Work)' });
    await gmail.waitFor();
    expect(await gmail.textContent()).toContain('Waiting for consent — expires in 10 min.');
    const other = pending.getByRole('listitem', { name: 'Connecting GitHub' });
    expect(await other.getAttribute('data-request-id')).toBe(github.requestId);
    expect(await pending.getByRole('listitem').count()).toBe(2);
    await screenshot(page, 'connections-pending');

    // Cancel: the request is given up, and the list says so at once.
    await other.getByRole('button', { name: 'Cancel: Connecting GitHub' }).click();
    await other.waitFor({ state: 'detached' });
    expect(await bob.connections.request.query({ requestId: github.requestId })).toMatchObject({
      status: 'FAILED',
      statusReason: 'CANCELLED',
    });
    expect((await bob.connections.pending.query()).map((r) => r.toolkit)).toStrictEqual(['gmail']);

    // Resume: back to the same consent page, and the usual return completes it.
    await gmail.getByRole('button', { name: 'Resume: Connecting Gmail (Work)' }).click();
    await approveConsent(page, stack.webUrl, 'bob-work@example.test');
    await page.getByText('Gmail connected').waitFor();
    const accounts = page.getByRole('region', { name: 'Gmail accounts' });
    await accounts.getByRole('listitem', { name: 'Work' }).waitFor();
    await pending.waitFor({ state: 'detached' });
    expect(await bob.connections.pending.query()).toStrictEqual([]);
    await context.close();
  });
});
