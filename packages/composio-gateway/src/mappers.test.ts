import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  toAccountInfo,
  toLinkResult,
  toRefreshResult,
  toToolDefinition,
  toToolkit,
  upstreamIdentity,
} from './mappers.js';

/** A connected account shaped like `@composio/core`'s transform output, credentials included. */
function sdkAccount(overrides: Record<string, unknown> = {}) {
  return {
    id: 'ca_1',
    authConfig: { id: 'ac_1', isComposioManaged: true, isDisabled: false },
    alias: 'work',
    wordId: 'github_red-castle',
    status: 'ACTIVE',
    statusReason: null,
    toolkit: { slug: 'github' },
    state: {
      authScheme: 'OAUTH2',
      val: { status: 'ACTIVE', access_token: 'emu_secret_abc', account_identity: 'octocat' },
    },
    data: { access_token: 'emu_secret_abc', refresh_token: 'emu_secret_def' },
    params: { client_secret: 'emu_secret_ghi' },
    isDisabled: false,
    createdAt: '2026-01-02T03:04:05.000Z',
    updatedAt: '2026-01-03T03:04:05.000Z',
    ...overrides,
  };
}

describe('toAccountInfo', () => {
  it('keeps the public fields and drops every credential', () => {
    const info = toAccountInfo(sdkAccount());
    expect(info).toStrictEqual({
      id: 'ca_1',
      toolkit: 'github',
      authConfigId: 'ac_1',
      status: 'ACTIVE',
      statusReason: null,
      alias: 'work',
      upstreamIdentity: 'octocat',
      disabled: false,
      createdAt: new Date('2026-01-02T03:04:05.000Z'),
      updatedAt: new Date('2026-01-03T03:04:05.000Z'),
    });
    expect(JSON.stringify(info)).not.toContain('emu_secret');
  });

  it('tolerates missing optional fields', () => {
    const info = toAccountInfo(
      sdkAccount({
        alias: undefined,
        statusReason: undefined,
        state: undefined,
        data: undefined,
        isDisabled: undefined,
        updatedAt: undefined,
        status: 'INACTIVE',
      }),
    );
    expect(info.alias).toBeNull();
    expect(info.statusReason).toBeNull();
    expect(info.upstreamIdentity).toBeNull();
    expect(info.disabled).toBe(true);
    expect(info.updatedAt).toStrictEqual(info.createdAt);
  });

  it('throws a ZodError for an account it cannot trust', () => {
    expect(() => toAccountInfo(sdkAccount({ status: 'WEIRD' }))).toThrow(ZodError);
    expect(() => toAccountInfo(sdkAccount({ createdAt: 'yesterday' }))).toThrow(ZodError);
    expect(() => toAccountInfo(sdkAccount({ authConfig: undefined }))).toThrow(ZodError);
  });
});

describe('upstreamIdentity', () => {
  it('prefers account_identity, from data then state', () => {
    expect(upstreamIdentity({ account_identity: 'a', email: 'e' }, { account_identity: 'b' })).toBe(
      'a',
    );
    expect(upstreamIdentity({ email: 'e@x.io' }, { account_identity: 'b' })).toBe('b');
  });

  it('falls back to common keys and ignores non-strings', () => {
    expect(upstreamIdentity({ email: ' ann@example.com ' }, undefined)).toBe('ann@example.com');
    expect(upstreamIdentity(undefined, { login: 'octocat' })).toBe('octocat');
    expect(upstreamIdentity({ username: 42, login: '' }, { username: 'bob' })).toBe('bob');
    expect(upstreamIdentity({ access_token: 'x' }, { access_token: 'y' })).toBeNull();
  });
});

describe('toToolDefinition', () => {
  it('maps an SDK tool', () => {
    expect(
      toToolDefinition({
        slug: 'GITHUB_GET_REPO',
        name: 'Get repository',
        description: 'Reads one repo',
        inputParameters: { type: 'object', properties: { repo: { type: 'string' } } },
        toolkit: { slug: 'github', name: 'GitHub' },
        version: '20250909_00',
        tags: ['important'],
      }),
    ).toStrictEqual({
      slug: 'GITHUB_GET_REPO',
      name: 'Get repository',
      description: 'Reads one repo',
      toolkit: 'github',
      version: '20250909_00',
      tags: ['important'],
      inputParameters: { type: 'object', properties: { repo: { type: 'string' } } },
    });
  });

  it('fills in what Composio may omit', () => {
    expect(
      toToolDefinition({ slug: 'SLACK_SEND_MESSAGE', name: 'Send', version: 'latest' }),
    ).toStrictEqual({
      slug: 'SLACK_SEND_MESSAGE',
      name: 'Send',
      description: '',
      toolkit: 'slack',
      version: null,
      inputParameters: { type: 'object', properties: {} },
      tags: [],
    });
  });
});

describe('toToolkit', () => {
  it('maps list items and retrieved toolkits alike', () => {
    expect(
      toToolkit({
        slug: 'github',
        name: 'GitHub',
        meta: {
          description: 'Code hosting',
          logo: 'https://logo',
          categories: [{ id: 'dev', name: 'Developer tools' }],
        },
      }),
    ).toStrictEqual({
      slug: 'github',
      name: 'GitHub',
      description: 'Code hosting',
      logo: 'https://logo',
      categories: ['Developer tools'],
    });
    expect(toToolkit({ slug: 'gmail', name: 'Gmail', meta: {} })).toStrictEqual({
      slug: 'gmail',
      name: 'Gmail',
      description: null,
      logo: null,
      categories: [],
    });
  });
});

describe('toLinkResult and toRefreshResult', () => {
  it('keeps the link but not its token', () => {
    const result = toLinkResult({
      connected_account_id: 'ca_9',
      redirect_url: 'http://127.0.0.1/consent/t',
      expires_at: '2026-01-01T00:10:00.000Z',
      link_token: 'lt_secret',
    });
    expect(result).toStrictEqual({
      connectedAccountId: 'ca_9',
      redirectUrl: 'http://127.0.0.1/consent/t',
      expiresAt: new Date('2026-01-01T00:10:00.000Z'),
    });
  });

  it('reads a refresh answer', () => {
    expect(toRefreshResult({ id: 'ca_1', status: 'INITIATED', redirect_url: 'u' })).toStrictEqual({
      status: 'INITIATED',
      redirectUrl: 'u',
    });
    expect(
      toRefreshResult({ id: 'ca_1', status: 'ACTIVE', redirect_url: null }).redirectUrl,
    ).toBeNull();
  });
});
