import { describe, expect, it } from 'vitest';
import { accountName, scopeLabel, toolkitLabel } from './format.ts';
import { hrefFor, withParams } from './router.tsx';

describe('accountName', () => {
  it('tells accounts apart by label and upstream identity, else by id', () => {
    expect(
      accountName({ id: 'ca_1', label: 'Work', upstreamIdentity: 'bob-work@example.test' }),
    ).toBe('Work (bob-work@example.test)');
    expect(accountName({ id: 'ca_1', label: null, upstreamIdentity: 'bob@example.test' })).toBe(
      'bob@example.test',
    );
    expect(accountName({ id: 'ca_1', label: 'Work', upstreamIdentity: null })).toBe('Work');
    expect(accountName({ id: 'ca_1', label: null, upstreamIdentity: null })).toBe('ca_1');
  });
});

describe('labels', () => {
  it('spells toolkits and scopes for people', () => {
    expect(toolkitLabel('github')).toBe('GitHub');
    expect(toolkitLabel('google_drive')).toBe('Google drive');
    expect(scopeLabel({ kind: 'user', id: 'bob' })).toBe('Personal');
    expect(scopeLabel({ kind: 'org', id: 'acme' }, () => 'Acme')).toBe('Acme');
    expect(scopeLabel({ kind: 'org', id: 'acme' })).toBe('acme');
  });
});

describe('links', () => {
  it('keeps the organization and page state in the query string', () => {
    expect(hrefFor('/tools', { org: 'acme', tool: null })).toBe('/tools?org=acme');
    expect(hrefFor('/connections', { org: null })).toBe('/connections');
    const here = {
      pathname: '/tools',
      params: new URLSearchParams('org=acme&request_id=r1&status=ACTIVE'),
    };
    expect(withParams(here, { request_id: null, status: null, tool: 'GITHUB_GET_REPO' })).toBe(
      '/tools?org=acme&tool=GITHUB_GET_REPO',
    );
    expect(withParams(here, { org: null, request_id: null, status: null }, '/activity')).toBe(
      '/activity',
    );
  });
});
