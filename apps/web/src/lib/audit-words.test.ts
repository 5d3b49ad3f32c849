import { describe, expect, it } from 'vitest';
import { capitalize, changeTarget, changeWords, channelLabel } from './audit-words.ts';

describe('audit words', () => {
  it('names the channel an attempt came over', () => {
    expect(channelLabel('trpc')).toBe('API');
    expect(channelLabel('mcp')).toBe('Agent (MCP)');
  });

  it('says what a refused change tried to do, and what its target is', () => {
    expect(changeWords('connections.connect')).toBe('connect a toolkit');
    expect(changeWords('policies.manage')).toBe('change a toolkit policy');
    expect(changeWords('members.manage')).toBe('change members');
    expect(changeWords('connections.manage')).toBe('change an account');
    expect(changeTarget('policies.manage')).toBe('toolkit');
    expect(changeTarget('members.manage')).toBe('member');
    expect(changeTarget('connections.manage')).toBe('account');
  });

  it('shows an action it has no words for as its code', () => {
    expect(changeWords('orgs.rename')).toBe('orgs.rename');
    expect(changeTarget('orgs.rename')).toBeNull();
  });

  it('capitalizes a reason for a line of its own', () => {
    expect(capitalize('role not allowed')).toBe('Role not allowed');
    expect(capitalize('')).toBe('');
  });
});
