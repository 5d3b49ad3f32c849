import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboardClient } from '@switchboard/api';
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
import { repoRoot } from './support/paths.ts';

/** Two free loopback ports in a row (the API's, and the emulator's at PORT + 1). */
async function freePortPair(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
  for (let port = 3300 + Math.floor(Math.random() * 500); port < 4900; port += 2) {
    if ((await free(port)) && (await free(port + 1))) return port;
  }
  throw new Error('no two free ports in a row');
}

interface Dev {
  process: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** `pnpm dev`'s entry, as the root script runs it, on the given ports and data folder. */
async function startDev(env: Record<string, string>): Promise<Dev> {
  const child = spawn(
    process.execPath,
    ['--conditions=@switchboard/source', '--import', 'tsx', 'src/dev.ts'],
    {
      cwd: join(repoRoot, 'apps/api'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let ready: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('Switchboard is running')) ready();
    });
  }
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`pnpm dev did not start:\n${output.join('')}`)), 90_000),
  );
  await Promise.race([
    started,
    deadline,
    exited.then(() => Promise.reject(new Error(`pnpm dev exited:\n${output.join('')}`))),
  ]);
  return { process: child, output, exited };
}

async function stopDev(dev: Dev): Promise<number | null> {
  dev.process.kill('SIGINT');
  return dev.exited;
}

describe('pnpm dev as a newcomer runs it: other ports, a restart', () => {
  let browser: Browser;
  let dataDir: string;
  let port: number;
  let webPort: number;
  let env: Record<string, string>;
  let dev: Dev | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
    dataDir = await mkdtemp(join(tmpdir(), 'sb-dev-'));
    port = await freePortPair();
    webPort = port + 100;
    env = {
      PORT: String(port),
      WEB_ORIGIN: `http://127.0.0.1:${webPort}`,
      DATA_DIR: dataDir,
    };
    // The API's settings from the machine's shell (CI sets DATABASE_URL) stay out of it.
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'COMPOSIO_API_KEY', 'COMPOSIO_BASE_URL']) {
      env[name] = '';
    }
  }, 60_000);
  afterAll(async () => {
    if (dev && dev.process.exitCode === null) await stopDev(dev);
    await browser?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the console on another port, proxied to the API on another port, and signs in', async () => {
    dev = await startDev(env);
    const { page } = await openWindow(browser);
    screenshotOnFailure(page, 'dev-mode');
    const webUrl = `http://127.0.0.1:${webPort}`;
    await signIn(page, webUrl, 'bob');
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();

    const connect = page.getByRole('group', { name: 'Connect a personal account' });
    await connect.getByLabel('Toolkit').selectOption('github');
    await connect.getByLabel('Label').fill('Work');
    await connect.getByRole('button', { name: 'Connect' }).click();
    await approveConsent(page, webUrl, 'bob@example.test');
    await page.getByText('GitHub connected').waitFor();
    await screenshot(page, 'dev-mode-connected');
  }, 180_000);

  it('keeps every connection working across a restart', async () => {
    if (!dev) throw new Error('the first test starts pnpm dev');
    expect(await stopDev(dev)).toBe(0);
    expect(dev.output.join('')).toContain('Switchboard stopped.');
    dev = await startDev(env);

    const apiUrl = `http://127.0.0.1:${port}`;
    const signInAnswer = await fetch(`${apiUrl}/trpc/dev.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'bob' }),
    });
    const token = ((await signInAnswer.json()) as { result: { data: { token: string } } }).result
      .data.token;
    const bob = createSwitchboardClient({ url: apiUrl, getToken: () => token });
    const accounts = await bob.connections.list.query();
    expect(accounts).toMatchObject([{ toolkit: 'github', label: 'Work', status: 'ACTIVE' }]);
    const run = await bob.tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} });
    expect(run).toMatchObject({ successful: true, connectedAccountId: accounts[0]?.id });
    expect(await stopDev(dev)).toBe(0);
  }, 180_000);

  it('says which variable moves a busy port, before opening anything', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const child = spawn(
        process.execPath,
        ['--conditions=@switchboard/source', '--import', 'tsx', 'src/dev.ts'],
        {
          cwd: join(repoRoot, 'apps/api'),
          env: { ...process.env, ...env, DATA_DIR: join(dataDir, 'untouched') },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let errors = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        errors += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(errors).toContain(`Port ${port} on 127.0.0.1 is in use; set PORT to move it.`);
      const { existsSync } = await import('node:fs');
      expect(existsSync(join(dataDir, 'untouched'))).toBe(false);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
