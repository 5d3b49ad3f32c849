import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { artifactsDir } from './paths.ts';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with a fresh profile (Playwright makes one per launch). Without
 * the background-networking flags Chromium keeps dialling out, which this closed network refuses.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run scripts/ci-browser.sh (installs Debian's chromium)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
}

/** A browser window of its own (own storage, so its own session). */
export async function openWindow(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<Person> {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Dev sign-in as a seeded person, from the sign-in page; waits for the console to load. */
export async function signIn(page: Page, webUrl: string, userId: string, path = '/connections') {
  await page.goto(`${webUrl}${path}`);
  await page.getByRole('button', { name: new RegExp(`^Sign in as ${userId}\\b`) }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Picks the organization to act in (by id), from the switcher in the top bar. */
export async function actIn(page: Page, orgId: string) {
  await page.getByLabel('Acting in').selectOption(orgId);
}

/** Plays the person on the emulator's consent page, then waits to be back in the console. */
export async function approveConsent(page: Page, webUrl: string, identity: string) {
  await page.waitForURL(/\/consent\//);
  const suggested = await page
    .locator('#identity option')
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  if (suggested.includes(identity)) await page.locator('#identity').selectOption(identity);
  else await page.locator('#identity_custom').fill(identity);
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((url) => url.origin === webUrl);
}

/** The final screen of a test, kept as a CI artifact. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
}

/** Call at the start of a test: should it fail, the screen at that moment is kept too. */
export function screenshotOnFailure(page: Page, name: string) {
  onTestFailed(async () => {
    await screenshot(page, `${name}-failed`).catch(() => undefined);
  });
}
