import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
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

/** Another team's receiver: it keeps what arrives and answers 204. */
async function startReceiver() {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/switchboard`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Webhooks: an admin subscribes a receiver and sees what was delivered', () => {
  let stack: Stack;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    [stack, browser, receiver] = await Promise.all([
      startStack(),
      launchBrowser(),
      startReceiver(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await stack?.close();
  });

  it('alice adds an endpoint in Acme, copies its secret, and a policy change arrives signed', async () => {
    const { page } = await openWindow(browser);
    screenshotOnFailure(page, 'webhooks');
    await signIn(page, stack.webUrl, 'alice');
    await actIn(page, 'acme');
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('No endpoints yet.').waitFor();

    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Ops alerts');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Done' }).click();
    const card = page.getByRole('listitem', { name: 'Ops alerts' });
    await card.getByRole('heading', { name: receiver.url }).waitFor();

    // Something happens in Acme: the receiver gets it, and it verifies with the copied secret.
    await stack.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    const event = await until(() => {
      const webhook = new Webhook(secret);
      for (const request of receiver.received) {
        const body = webhook.verify(request.body, request.headers as Record<string, string>) as {
          type: string;
          scope: { kind: string; id: string };
          actor: { kind: string; id?: string };
          data: Record<string, unknown>;
        };
        if (body.type === 'policy.changed') return body;
      }
      return undefined;
    }, 'a signed policy.changed delivery');
    expect(event.scope).toEqual({ kind: 'org', id: 'acme' });
    expect(event.actor).toEqual({ kind: 'user', id: 'alice' });
    expect(event.data).toMatchObject({ toolkit: 'slack', policy: { scope: 'org' } });

    await page.reload();
    await card.getByRole('button', { name: 'Deliveries' }).click();
    const row = card.locator('tr[data-status="delivered"]').first();
    await row.getByText('policy.changed').waitFor();
    expect(await row.textContent()).toContain('204');
    await screenshot(page, 'webhooks-acme');
  });

  it('bob, a member, is told that admins manage Acme’s webhooks, and sees none of them', async () => {
    const { page } = await openWindow(browser);
    screenshotOnFailure(page, 'webhooks-member');
    await signIn(page, stack.webUrl, 'bob');
    await actIn(page, 'acme');
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('Admins manage webhooks').waitFor();
    expect(await page.getByText(receiver.url).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add endpoint' }).count()).toBe(0);
  });
});
