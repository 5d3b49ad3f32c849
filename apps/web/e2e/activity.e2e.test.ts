import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
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

/** A day as the browser's date inputs hold it, counted from the browser's today. */
function browserDay(page: Page, offsetDays: number): Promise<string> {
  return page.evaluate((offset) => {
    const day = new Date();
    day.setDate(day.getDate() + offset);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
  }, offsetDays);
}

/** Signs someone in (alice, unless told) and opens Acme's activity. */
async function openAcmeActivity(page: Page, webUrl: string, userId = 'alice') {
  await signIn(page, webUrl, userId);
  await actIn(page, 'acme');
  await page.getByRole('link', { name: 'Activity' }).click();
}

describe('Activity: who did what, with which account, and what was refused', () => {
  let stack: Stack;
  let browser: Browser;
  let acmeSlack: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    // Acme shares one Slack. bob posts with it from the console and from an agent; carol, a
    // viewer, may not.
    await stack.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    acmeSlack = await stack.connect('alice', {
      toolkit: 'slack',
      orgId: 'acme',
      label: 'Acme HQ',
      identity: 'acme-hq@example.test',
    });
    const message = { channel: '#general', text: 'Standup at ten' };
    await stack
      .as('bob')
      .tools.execute.mutate({ tool: 'SLACK_SEND_MESSAGE', arguments: message, orgId: 'acme' });
    const overMcp = await stack.callToolOverMcp('bob', {
      tool: 'SLACK_SEND_MESSAGE',
      arguments: { ...message, text: 'Posted by an agent' },
      orgId: 'acme',
    });
    expect(overMcp.result?.isError).toBeFalsy();
    await stack
      .as('carol')
      .tools.execute.mutate({ tool: 'SLACK_SEND_MESSAGE', arguments: message, orgId: 'acme' })
      .catch(() => undefined);

    // Changes refused for the person's role, each recorded in Acme's log.
    const refused = (call: Promise<unknown>) =>
      call.then(
        () => 'done',
        () => 'refused',
      );
    const carol = stack.as('carol');
    const bob = stack.as('bob');
    const outcomes = [
      await refused(carol.connections.authorize.mutate({ toolkit: 'slack', orgId: 'acme' })),
      await refused(bob.policies.set.mutate({ orgId: 'acme', toolkit: 'gmail', scope: 'org' })),
      await refused(bob.orgs.members.set.mutate({ orgId: 'acme', userId: 'carol', role: 'admin' })),
      await refused(bob.connections.disable.mutate({ id: acmeSlack })),
    ];
    expect(outcomes).toStrictEqual(['refused', 'refused', 'refused', 'refused']);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('names people and accounts, and says which runs came from an agent', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'activity-names');
    await openAcmeActivity(page, stack.webUrl);

    const rows = page.locator('table.activity tbody tr');
    await rows.nth(2).waitFor();
    expect(await rows.count()).toBe(3);
    const [denied, agent, fromConsole] = await rows.allTextContents();
    expect(denied).toContain('Carol');
    expect(denied).toContain('Denied');
    expect(denied).toContain('role not allowed');
    expect(agent).toContain('Bob');
    expect(agent).toContain('Acme HQ (acme-hq@example.test)');
    expect(agent).toContain('Agent (MCP)');
    expect(fromConsole).toContain('Bob');
    expect(fromConsole).toContain('Acme HQ (acme-hq@example.test)');
    expect(fromConsole).toContain('API');
    expect(fromConsole).not.toContain('Agent (MCP)');
    expect(await rows.nth(1).getAttribute('data-channel')).toBe('mcp');
    // People and accounts by name: the account's id waits in the details.
    expect(await page.locator('table.activity').textContent()).not.toContain(acmeSlack);
    await screenshot(page, 'activity-names');

    // One member's runs: the select lists Acme's members by name.
    const settled = () => page.locator('.runs[aria-busy="false"]').waitFor();
    const member = page.getByLabel('Member', { exact: true });
    await member.locator('option', { hasText: 'Carol (carol)' }).waitFor({ state: 'attached' });
    await member.selectOption('bob');
    await page.waitForURL((url) => url.searchParams.get('actor') === 'bob');
    await settled();
    expect(await rows.count()).toBe(2);
    expect(await page.locator('table.activity').textContent()).not.toContain('Carol');

    // Days are counted whole, in the browser's time: today holds both runs, yesterday none.
    const yesterday = await browserDay(page, -1);
    const today = await browserDay(page, 0);
    const tomorrow = await browserDay(page, 1);
    const from = page.getByLabel('From', { exact: true });
    const to = page.getByLabel('To', { exact: true });
    await from.fill(today);
    await to.fill(today);
    await page.waitForURL(
      (url) => url.searchParams.get('from') === today && url.searchParams.get('to') === today,
    );
    await settled();
    expect(await rows.count()).toBe(2);
    await to.fill(yesterday);
    await page.getByText('The last day is before the first.').waitFor();
    await from.fill('');
    await page.getByText('The last day is before the first.').waitFor({ state: 'detached' });
    await settled();
    await page.getByText('No runs match these filters.').waitFor();
    await to.fill('');
    await from.fill(tomorrow);
    await page.waitForURL((url) => url.searchParams.get('from') === tomorrow);
    await settled();
    await page.getByText('No runs match these filters.').waitFor();
    await context.close();
  });

  it('opens one attempt in full: decision, reason, account, channel, execution id', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'activity-detail');
    await openAcmeActivity(page, stack.webUrl);

    // The refused run, from the keyboard: its reason in words, and the code beside them.
    const deniedRow = page.locator('table.activity tbody tr[data-outcome="denied"]');
    await deniedRow.getByRole('button', { name: /^Details of SLACK_SEND_MESSAGE/ }).press('Enter');
    const dialog = page.getByRole('dialog', { name: 'SLACK_SEND_MESSAGE' });
    const detail = dialog.getByTestId('run-detail');
    await detail.waitFor();
    const fact = (term: string) =>
      detail
        .locator('dt', { hasText: new RegExp(`^${term}$`) })
        .locator('xpath=following-sibling::dd[1]');
    expect(await fact('Decision').textContent()).toBe('Denied');
    expect(await fact('Reason').textContent()).toBe('Role not allowed');
    expect(await fact('Error code').textContent()).toBe('ROLE_REQUIRED');
    expect(await fact('Who').textContent()).toBe('Carol carol');
    expect(await fact('Account').textContent()).toContain('None');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // The agent's run, by a click anywhere on its row.
    await page.locator('table.activity tbody tr[data-channel="mcp"] td[data-label="When"]').click();
    await detail.waitFor();
    expect(await fact('Decision').textContent()).toBe('Allowed');
    expect(await detail.locator('dt', { hasText: /^Reason$/ }).count()).toBe(0);
    expect(await fact('Error code').textContent()).toBe('—');
    expect(await fact('Duration').textContent()).toMatch(/^\d+ ms$/);
    expect(await fact('Who').textContent()).toBe('Bob bob');
    expect(await fact('Scope').textContent()).toBe('Acme');
    expect(await fact('Account').textContent()).toBe('Acme HQ');
    expect(await fact('Signed in as').textContent()).toBe('acme-hq@example.test');
    expect(await fact('Account id').textContent()).toBe(acmeSlack);
    expect(await fact('Via').textContent()).toBe('Agent (MCP)');
    expect(await fact('Execution id').textContent()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(await fact('When').textContent()).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    await screenshot(page, 'activity-detail');

    await dialog.getByRole('button', { name: 'Close' }).click();
    await detail.waitFor({ state: 'detached' });
    await context.close();
  });

  it('lists refused changes: who tried what, on what, and why it was refused', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'activity-refusals');
    await openAcmeActivity(page, stack.webUrl);
    await page.getByRole('tab', { name: 'Refused changes' }).click();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('changes');

    const rows = page.locator('table.refusals tbody tr');
    await rows.nth(3).waitFor();
    expect(await rows.count()).toBe(4);
    // The account is named once the organization's accounts are read.
    await rows.first().getByText('Acme HQ (acme-hq@example.test)').waitFor();
    const cells = async (index: number) =>
      Object.fromEntries(
        await rows
          .nth(index)
          .locator('td')
          .evaluateAll((tds) =>
            tds.map((td) => [(td as HTMLElement).dataset.label, td.textContent]),
          ),
      ) as Record<string, string>;
    expect(await cells(0)).toMatchObject({
      Who: 'Bob bob',
      'Tried to': 'change an account',
      Target: 'Acme HQ (acme-hq@example.test)',
      'Why refused': 'Role not allowed',
      Via: 'API',
    });
    expect(await cells(1)).toMatchObject({
      'Tried to': 'change members',
      Target: 'Carol carol',
    });
    expect(await cells(2)).toMatchObject({
      'Tried to': 'change a toolkit policy',
      Target: 'Gmail',
    });
    expect(await cells(3)).toMatchObject({
      Who: 'Carol carol',
      'Tried to': 'connect a toolkit',
      Target: 'Slack',
      Scope: 'Acme',
    });
    await screenshot(page, 'activity-refusals');

    // The member and day filters narrow refusals as they narrow runs, and stay in the URL.
    await page.getByLabel('Member', { exact: true }).selectOption('carol');
    await rows.first().getByText('connect a toolkit').waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('table.refusals tbody tr').length === 1,
    );
    expect(new URL(page.url()).searchParams.get('actor')).toBe('carol');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(tomorrow);
    await page.getByText('No refused changes match these filters.').waitFor();
    await context.close();
  });

  it('exports the runs the filters select as a CSV or JSON Lines file', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'activity-export');
    await openAcmeActivity(page, stack.webUrl);
    await page.locator('table.activity tbody tr').nth(2).waitFor();

    /** Clicks Export and reads the file the browser was handed. */
    const exported = async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export', exact: true }).click(),
      ]);
      const path = await download.path();
      return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
    };

    const all = await exported();
    expect(all.name).toMatch(/^switchboard-audit-acme-1970-01-01-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = all.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,executionId,startedAt,actorUserId,actorName,scopeKind,scopeId,toolkit,tool,' +
        'connectedAccountId,decision,denyReason,outcome,errorCode,durationMs,channel,approvalId',
    );
    // Oldest first: bob from the console, bob's agent, then carol's refusal.
    expect(lines.slice(1).map((line) => line.split(',').slice(3, 5))).toStrictEqual([
      ['bob', 'Bob'],
      ['bob', 'Bob'],
      ['carol', 'Carol'],
    ]);
    expect(lines[2]).toContain(`,${acmeSlack},allowed,,success,`);
    expect(lines[3]).toContain(',denied,ROLE_REQUIRED,denied,');
    await page.getByText(`Saved ${all.name}.`).waitFor();

    // The filters on the page are the export's: one member, as JSON Lines.
    await page.getByLabel('Member', { exact: true }).selectOption('carol');
    await page.waitForURL((url) => url.searchParams.get('actor') === 'carol');
    await page.getByLabel('Export as').selectOption('jsonl');
    const carols = await exported();
    expect(carols.name).toMatch(/\.jsonl$/);
    const rows = carols.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((row) => [row.actorUserId, row.outcome, row.denyReason])).toStrictEqual([
      ['carol', 'denied', 'ROLE_REQUIRED'],
    ]);
    await screenshot(page, 'activity-export');

    // A range that ends before it starts cannot be exported.
    await page.getByLabel('From', { exact: true }).fill('2026-02-02');
    await page.getByLabel('To', { exact: true }).fill('2026-02-01');
    await page.getByText('The last day is before the first.').waitFor();
    expect(await page.getByRole('button', { name: 'Export', exact: true }).isDisabled()).toBe(true);
    await context.close();
  });

  it('a member sees only their own runs and refusals, with no member filter', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'activity-member');
    await openAcmeActivity(page, stack.webUrl, 'bob');
    await page.getByText('Only owners and admins see everyone’s activity in Acme').waitFor();
    const rows = page.locator('table.activity tbody tr');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await page.getByLabel('Member', { exact: true }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Refused changes' }).click();
    const refusals = page.locator('table.refusals tbody tr');
    await refusals.nth(2).waitFor();
    expect(await refusals.count()).toBe(3);
    expect(await page.locator('table.refusals').textContent()).not.toContain('Carol');
    await context.close();
  });
});
