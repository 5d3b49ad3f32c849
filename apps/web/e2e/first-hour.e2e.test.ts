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

/** Opens a tool's runner on the Tools page (the toolkit ticked first). */
async function openTool(page: Page, toolkit: string, name: string) {
  await page.getByRole('link', { name: 'Tools' }).click();
  await page.getByRole('checkbox', { name: toolkit }).check();
  await page.getByRole('button', { name: new RegExp(name) }).click();
  const runner = page.getByRole('region', { name });
  await runner.waitFor();
  return runner;
}

/** Replaces the description of one tool wherever an API answer carries it. */
function withDescription(value: unknown, slug: string, description: string): unknown {
  if (Array.isArray(value)) return value.map((item) => withDescription(item, slug, description));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([key, item]) => [
    key,
    withDescription(item, slug, description),
  ]);
  const copy = Object.fromEntries(entries) as Record<string, unknown>;
  if (copy.slug === slug && typeof copy.description === 'string') copy.description = description;
  return copy;
}

describe('the first hour: what a newcomer meets', () => {
  let stack: Stack;
  let browser: Browser;
  let work: string;
  let old: string;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    // Acme shares one Slack; bob has GitHub and three Gmail accounts of his own.
    await stack.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await stack.connect('alice', {
      toolkit: 'slack',
      orgId: 'acme',
      label: 'Acme HQ',
      identity: 'acme-hq@example.test',
    });
    await stack.connect('bob', { toolkit: 'github', identity: 'bob@example.test' });
    old = await stack.connect('bob', {
      toolkit: 'gmail',
      label: 'Old',
      identity: 'bob-old@example.test',
    });
    work = await stack.connect('bob', {
      toolkit: 'gmail',
      label: 'Work',
      identity: 'bob-work@example.test',
    });
    await stack.connect('bob', {
      toolkit: 'gmail',
      label: 'Home',
      identity: 'bob-home@example.test',
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('a toolkit its organization connects is guidance to act there, not an error', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'tools-wrong-scope');
    await signIn(page, stack.webUrl, 'bob');
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('checkbox', { name: 'Slack' }).check();

    const slack = page.getByRole('region', { name: 'Slack' });
    const guidance = slack.locator('[data-reason="WRONG_SCOPE"]');
    await guidance.waitFor();
    expect(await guidance.getAttribute('role')).toBe('status');
    expect(await guidance.getAttribute('class')).toContain('info');
    const text = (await guidance.textContent()) ?? '';
    expect(text).toContain('Slack runs with Acme’s account — act in Acme to use it.');
    expect(text).not.toMatch(/orgId|passing|WRONG_SCOPE:/);
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    await screenshot(page, 'tools-wrong-scope');

    await guidance.getByRole('button', { name: 'Act in Acme' }).click();
    await slack.getByText('Runs in: Acme (organization)').waitFor();
    expect(new URL(page.url()).searchParams.get('org')).toBe('acme');
    await context.close();
  });

  it('a failed tool shows what it said, not an empty box', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'tool-failed');
    await signIn(page, stack.webUrl, 'bob');
    const runner = await openTool(page, 'GitHub', 'Get a repository');
    await runner.getByLabel(/^Owner/).fill('someone-else');
    await runner.getByLabel(/^Repo/).fill('private-plans');
    await runner.getByRole('button', { name: 'Run' }).click();

    const result = runner.getByRole('region', { name: 'The tool reported an error' });
    await result.waitFor();
    expect(await result.getByTestId('tool-error').textContent()).toContain(
      "repository 'someone-else/private-plans' does not exist",
    );
    expect(await result.getByTestId('result-data').count()).toBe(0);
    expect(await result.textContent()).not.toContain('{}');
    await screenshot(page, 'tool-failed');
    await context.close();
  });

  it('a description renders its Markdown, and neither its HTML nor a javascript: link', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'tool-markdown');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, stack.webUrl, 'bob');
    // Composio's descriptions are Markdown; the emulator's are plain, so one is rewritten.
    const description = [
      'Gets a repository by **owner** and _name_, e.g. `octocat/hello-world`.',
      '',
      '- private ones need `repo` access',
      '- see [the GitHub docs](https://docs.github.com/rest/repos)',
      '',
      'Not a link: [click me](javascript:alert(1)). Not HTML: <img src=x onerror=alert(2)>',
    ].join('\n');
    await page.route('**/trpc/**', async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      let rewritten = body;
      try {
        rewritten = JSON.stringify(
          withDescription(JSON.parse(body), 'GITHUB_GET_REPO', description),
        );
      } catch {
        // Not JSON: passed on as it came.
      }
      await route.fulfill({ response, body: rewritten });
    });
    const runner = await openTool(page, 'GitHub', 'Get a repository');
    const rendered = runner.locator('.tool-description');
    await rendered.locator('strong', { hasText: 'owner' }).waitFor();
    expect(await rendered.locator('em').textContent()).toBe('name');
    expect(await rendered.locator('code').first().textContent()).toBe('octocat/hello-world');
    expect(await rendered.locator('li').count()).toBe(2);
    const link = rendered.getByRole('link', { name: 'the GitHub docs' });
    expect(await link.getAttribute('href')).toBe('https://docs.github.com/rest/repos');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await rendered.getByRole('link').count()).toBe(1);
    expect(await rendered.locator('img').count()).toBe(0);
    expect(await rendered.textContent()).toContain('<img src=x onerror=alert(2)>');
    await rendered.getByText('click me').click();
    expect(dialogs).toStrictEqual([]);
    await screenshot(page, 'tool-markdown');
    await context.close();
  });

  it('says which account a run uses, and warns when the pinned default stopped working', async () => {
    const bob = stack.as('bob');
    await bob.connections.update.mutate({ id: work, makeDefault: true });
    // Behind Switchboard's back: Work's sign-in expires, Old is deleted at the provider.
    stack.upstream.expire(work);
    stack.upstream.remove(old);
    await bob.connections.refresh.mutate({ id: work });
    // connections.refresh answers NOT_FOUND for an account gone upstream; a run with it is what
    // records it as revoked.
    const gone = await bob.tools.execute
      .mutate({ tool: 'GMAIL_GET_PROFILE', arguments: {}, connectedAccountId: old })
      .then(
        () => null,
        (error: { data?: { reason?: string } }) => error.data?.reason,
      );
    expect(gone).toBe('ACCOUNT_INACTIVE');

    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'tools-inactive-default');
    await signIn(page, stack.webUrl, 'bob');
    const gmail = page.getByRole('region', { name: 'Gmail accounts' });
    const workCard = gmail.getByRole('listitem', { name: 'Work' });
    await workCard.getByText('Its sign-in expired.').waitFor();
    expect(await workCard.locator('.badge.status-expired').textContent()).toBe('Expired');
    const oldCard = gmail.getByRole('listitem', { name: 'Old' });
    expect(await oldCard.locator('.badge').last().textContent()).toBe('Revoked');
    expect(await oldCard.textContent()).toContain('The account was deleted at the provider.');
    // The card sits under "Gmail" already and shows its status once, in words.
    for (const card of [workCard, oldCard]) {
      const text = (await card.textContent()) ?? '';
      expect(text).not.toMatch(/Toolkit|EXPIRED|REVOKED|DELETED_UPSTREAM|TOKEN_EXPIRED/);
    }
    await screenshot(page, 'connections-statuses');

    const runner = await openTool(page, 'Gmail', 'Get Gmail profile');
    const hint = runner.getByTestId('account-choice');
    await hint
      .getByText('The pinned default, Work (bob-work@example.test), is not active')
      .waitFor();
    expect(await hint.textContent()).toContain('a run without choosing an account will fail');
    await hint.getByRole('link', { name: 'pin another default on the Connections page' }).waitFor();
    await runner.getByRole('button', { name: 'Run' }).click();
    const refusal = runner.locator('[role="alert"][data-reason="ACCOUNT_INACTIVE"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(
      'Work (bob-work@example.test) — expired: its sign-in expired.',
    );
    await screenshot(page, 'tools-inactive-default');

    // Choosing another account runs with it; the default is left alone.
    await runner.getByLabel('Account').selectOption({ label: 'Home (bob-home@example.test)' });
    expect(await hint.textContent()).toBe('');
    await runner.getByRole('button', { name: 'Run' }).click();
    const result = runner.getByRole('region', { name: 'Result' });
    await result.waitFor();
    expect(await result.getByTestId('account-used').textContent()).toContain('Home');

    // Unpinned, the one account still active is the one.
    await bob.connections.update.mutate({ id: work, makeDefault: false });
    await page.reload();
    await page
      .getByTestId('account-choice')
      .getByText('Switchboard will use Home (bob-home@example.test) — the only active account.')
      .waitFor();
    await context.close();
  });

  it('an admin picks a policy’s tools from the catalog; a personal policy has no roles', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'policies-catalog');
    await signIn(page, stack.webUrl, 'alice');
    await actIn(page, 'acme');
    await page.getByRole('link', { name: 'Organization' }).click();
    await page.getByRole('button', { name: 'Add a toolkit policy' }).click();
    const editor = page.getByRole('form', { name: 'New toolkit policy' });
    await editor.getByLabel('Toolkit', { exact: true }).selectOption('github');
    await editor.getByLabel('Who may run tools').waitFor();

    await editor.getByLabel('Only the tools chosen below').check();
    const allow = editor.getByRole('group', { name: 'Tools to allow' });
    await allow.getByRole('checkbox', { name: /Create an issue/ }).waitFor();
    await allow.getByRole('searchbox').fill('get repo');
    expect(await allow.getByRole('checkbox').count()).toBe(1);
    await allow.getByRole('checkbox', { name: /Get a repository/ }).check();
    const deny = editor.getByRole('group', { name: 'Tools to deny' });
    await deny.getByRole('checkbox', { name: /Create an issue/ }).check();
    await allow.getByText('1 selected').waitFor();
    await screenshot(page, 'policies-catalog');

    await editor.getByRole('button', { name: 'Save policy' }).click();
    const card = page.getByRole('listitem', { name: 'GitHub policy' });
    await card.waitFor();
    expect(await card.textContent()).toContain('only GITHUB_GET_REPO; never GITHUB_CREATE_ISSUE');
    expect(await card.textContent()).toContain('Run tools');
    const saved = await stack.as('alice').policies.list.query({ orgId: 'acme' });
    expect(saved.find((p) => p.toolkit === 'github')).toMatchObject({
      scope: 'org',
      allowTools: ['GITHUB_GET_REPO'],
      denyTools: ['GITHUB_CREATE_ISSUE'],
    });

    // Personal scope: the policy only routes, so who connects and who runs are not asked.
    await card.getByRole('button', { name: 'Edit the GitHub policy' }).click();
    const edit = page.getByRole('form', { name: 'Policy for GitHub' });
    await edit.getByLabel('Each person’s own').check();
    await edit.getByTestId('personal-roles').waitFor();
    expect(await edit.getByLabel('Who may run tools').count()).toBe(0);
    expect(await edit.getByLabel('Who may connect accounts').count()).toBe(0);
    expect(
      await edit
        .getByRole('group', { name: 'Tools to allow' })
        .getByRole('checkbox', { name: /Get a repository/ })
        .isChecked(),
    ).toBe(true);
    await edit.getByRole('button', { name: 'Save policy' }).click();
    await card.getByText('personal accounts').waitFor();
    expect(await card.textContent()).not.toContain('Run tools');
    expect(await card.textContent()).toContain('everyone, with their own accounts');
    await screenshot(page, 'policies-personal');
    await context.close();
  });

  it('warns that an id differing from a member’s only by case is someone else, and adds it', async () => {
    const { page, context } = await openWindow(browser);
    screenshotOnFailure(page, 'members-case-warning');
    await signIn(page, stack.webUrl, 'alice');
    await actIn(page, 'acme');
    await page.getByRole('link', { name: 'Organization' }).click();
    const form = page.getByRole('form', { name: 'Add a member' });
    const userId = form.getByLabel('User id');
    await userId.fill('Bob');
    const warning = form.getByTestId('case-warning');
    await warning.waitFor();
    expect(await warning.getAttribute('role')).toBe('status');
    expect(await warning.textContent()).toContain('Not the same person as bob');
    expect(await warning.textContent()).toContain('differs from bob (Bob), already a member');
    expect(await warning.textContent()).toContain('case-sensitive, as Composio’s are');
    expect(await userId.getAttribute('aria-describedby')).toBe(await warning.getAttribute('id'));
    await screenshot(page, 'members-case-warning');

    // The exact id, or a new one, raises nothing.
    await userId.fill('bob');
    await warning.waitFor({ state: 'detached' });
    await userId.fill('erin');
    expect(await warning.count()).toBe(0);

    // A warning, not a refusal: "Bob" is added as the different person he is.
    await userId.fill('Bob');
    await warning.waitFor();
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Add member' }).click();
    const members = page.getByRole('table', { name: 'Members of Acme' });
    // The newcomer has no name yet, so the row shows the id, beside bob's "Bob bob".
    await members.getByText('Bob', { exact: true }).waitFor();
    const ids = (await stack.as('alice').orgs.members.list.query({ orgId: 'acme' })).map((m) => [
      m.userId,
      m.role,
    ]);
    expect(ids).toContainEqual(['Bob', 'viewer']);
    expect(ids).toContainEqual(['bob', 'member']);
    await context.close();
  });
});
