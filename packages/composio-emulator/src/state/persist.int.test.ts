import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, sdkFor, startEmulator, watchSdkLogs } from '../../test/helpers.js';
import type { RunningEmulator } from '../index.js';

// `stateFile`: a second emulator on the same file carries on where the first stopped.

watchSdkLogs();

let dir: string;
let file: string;
const running: RunningEmulator[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emulator-state-'));
  file = join(dir, 'nested', 'emulator.json');
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(stateFile?: string) {
  const emulator = await startEmulator(stateFile ? { stateFile } : {});
  running.push(emulator);
  return emulator;
}

describe('stateFile', () => {
  it('a second emulator on the file sees the accounts and executes tools with them', async () => {
    const first = await start(file);
    const composio = sdkFor(first);
    const id = await connect(composio, 'alice', 'github', 'alice-work@example.test');
    const issue = await composio.tools.execute('GITHUB_CREATE_ISSUE', {
      userId: 'alice',
      arguments: { owner: 'alice-work', repo: 'notes', title: 'Kept across restarts' },
    });
    expect(issue.successful).toBe(true);
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await start(file);
    const again = sdkFor(second);
    const listed = await again.connectedAccounts.list({ userIds: ['alice'] });
    expect(listed.items.map((a) => [a.id, a.status])).toStrictEqual([[id, 'ACTIVE']]);
    const issues = await again.tools.execute('GITHUB_LIST_ISSUES', {
      userId: 'alice',
      connectedAccountId: id,
      arguments: { owner: 'alice-work', repo: 'notes' },
    });
    expect(issues.successful).toBe(true);
    expect(JSON.stringify(issues.data)).toContain('Kept across restarts');
  });

  it('keeps a pending consent link usable after the restart', async () => {
    const first = await start(file);
    const composio = sdkFor(first);
    const authConfig = await composio.authConfigs.create('gmail');
    const request = await composio.connectedAccounts.link('bob', authConfig.id);
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await start(file);
    const token = new URL(request.redirectUrl ?? '').pathname;
    const page = await fetch(`${second.url}${token}`);
    expect(page.status).toBe(200);
    expect((await sdkFor(second).connectedAccounts.get(request.id)).status).toBe('INITIATED');
  });

  it('writes after changes, debounced, through a temporary file renamed over the old one', async () => {
    const emulator = await start(file);
    await emulator.app.inject({
      method: 'POST',
      url: '/_emulator/accounts',
      payload: { user_id: 'carol', toolkit: 'slack', identity: 'carol@example.test' },
    });
    await expect.poll(() => readdirSync(join(dir, 'nested'))).toStrictEqual(['emulator.json']);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ version: 1, accounts: [{ userId: 'carol', toolkit: 'slack' }] });
  });

  it('starts empty on a missing file, and refuses a file that is not a snapshot', async () => {
    const fresh = await start(file);
    expect(fresh.state.accounts.size).toBe(0);
    writeFileSync(join(dir, 'broken.json'), '{"accounts": [');
    await expect(start(join(dir, 'broken.json'))).rejects.toThrow(
      `${join(dir, 'broken.json')} is not an emulator state file`,
    );
  });

  it('writes nothing without the option', async () => {
    const emulator = await start();
    await emulator.app.inject({ method: 'POST', url: '/_emulator/reset' });
    await emulator.close();
    running.splice(running.indexOf(emulator), 1);
    expect(readdirSync(dir)).toStrictEqual([]);
  });
});
