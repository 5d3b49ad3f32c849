import { Composio } from '@composio/core';
import { afterEach, beforeEach, expect, type MockInstance, vi } from 'vitest';
import {
  buildEmulatorApp,
  completeConsent,
  createEmulator,
  type EmulatorAppOptions,
  type EmulatorOptions,
  type RunningEmulator,
} from '../src/index.js';

export const VERSIONS = {
  github: '20251101_00',
  gmail: '20251101_00',
  slack: '20251101_00',
  notion: '20251101_00',
};

/** Starts a listening emulator with the controls on. */
export function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return createEmulator({ controls: true, ...options });
}

/** The real SDK, pointed at the emulator, quiet (no telemetry, no npm version check). */
export function sdkFor(
  emulator: RunningEmulator,
  overrides: { apiKey?: string; toolkitVersions?: Record<string, string> | 'latest' } = {},
): Composio {
  return new Composio({
    apiKey: emulator.apiKey,
    baseURL: emulator.url,
    allowTracking: false,
    disableVersionCheck: true,
    toolkitVersions: VERSIONS,
    ...overrides,
  });
}

/**
 * Fails the current test when the SDK prints any warning or error it was not told to expect.
 * The SDK's logger writes through `console.warn` / `console.error` (its `logger` option is not
 * honoured in 0.19.0), so those are what is watched.
 */
export function watchSdkLogs() {
  let warn: MockInstance<typeof console.warn>;
  let error: MockInstance<typeof console.error>;
  let allowed: RegExp[] = [];
  const lines = () =>
    [...warn.mock.calls, ...error.mock.calls].map((args) => args.map(String).join(' '));

  beforeEach(() => {
    allowed = [];
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    error = vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    const unexpected = lines().filter((line) => !allowed.some((re) => re.test(line)));
    warn.mockRestore();
    error.mockRestore();
    expect(unexpected, 'the SDK printed warnings').toEqual([]);
  });

  return {
    /** Lets this test print lines matching `re` (e.g. the SDK's `[Warn:AllowMultiple]`). */
    allow(re: RegExp) {
      allowed.push(re);
    },
    /** Everything printed so far in this test. */
    lines,
  };
}

/** Creates the toolkit's managed auth config through the SDK, as the gateway would. */
export async function authConfigFor(composio: Composio, toolkit: string): Promise<string> {
  const existing = await composio.authConfigs.list({ toolkit });
  const first = existing.items[0];
  if (first) return first.id;
  return (await composio.authConfigs.create(toolkit)).id;
}

/** Link → consent (approve as `identity`) → the account id. */
export async function connect(
  composio: Composio,
  userId: string,
  toolkit: string,
  identity: string,
  options: { alias?: string; allowMultiple?: boolean } = {},
): Promise<string> {
  const authConfigId = await authConfigFor(composio, toolkit);
  const request = await composio.connectedAccounts.link(userId, authConfigId, {
    callbackUrl: 'https://app.example.test/callback',
    ...options,
  });
  const result = await completeConsent(request.redirectUrl ?? '', { identity });
  expect(result.status).toBe(302);
  return request.id;
}

/** GETs a control route and returns its JSON. */
export async function control<T>(
  emulator: RunningEmulator,
  path: string,
  init?: RequestInit,
): Promise<T> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? null : await response.json()) as T;
}

/** An app for `inject()` with the controls on, and its state. */
export function injectable(options: EmulatorAppOptions = {}) {
  const app = buildEmulatorApp({ controls: true, publicUrl: 'http://emulator.test', ...options });
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { 'x-api-key': 'emulator-key' },
      ...(payload ? { payload } : {}),
    });
  return { app, state: app.emulatorState, api };
}
