import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkOrgId,
  checkUserId,
  IdentityError,
  type IdRule,
  isUserId,
  orgIdSchema,
  parseOrgId,
  parseUserId,
  userIdSchema,
} from './ids.js';

const ruleOfUserId = (raw: unknown): IdRule | 'ok' => {
  const result = checkUserId(raw);
  return result.ok ? 'ok' : (result.error.rule ?? 'ok');
};
const ruleOfOrgId = (raw: unknown): IdRule | 'ok' => {
  const result = checkOrgId(raw);
  return result.ok ? 'ok' : (result.error.rule ?? 'ok');
};

describe('checkUserId', () => {
  it.each<[unknown, IdRule | 'ok']>([
    ['550e8400-e29b-41d4-a716-446655440000', 'ok'],
    ['alice', 'ok'],
    ['A', 'ok'],
    ['0', 'ok'],
    ['user.name:42_x-y', 'ok'],
    ['auth0:123', 'ok'],
    ['defaults', 'ok'],
    ['org-acme', 'ok'],
    ['organization', 'ok'],
    ['or_g', 'ok'],
    ['a'.repeat(128), 'ok'],
    ['', 'length'],
    ['a'.repeat(129), 'length'],
    ['default', 'reserved'],
    ['DEFAULT', 'reserved'],
    ['Default', 'reserved'],
    ['a@b', 'email'],
    ['john.doe@example.com', 'email'],
    ['JOHN@EXAMPLE.COM', 'email'],
    ['a@b@c', 'email'],
    [`${'a'.repeat(200)}@example.com`, 'email'],
    ['org_x@example.com', 'email'],
    ['@handle', 'charset'],
    ['trailing@', 'charset'],
    ['org_acme', 'org_prefix'],
    ['ORG_acme', 'org_prefix'],
    ['Org_', 'org_prefix'],
    [`org_${'a'.repeat(200)}`, 'org_prefix'],
    ['_leading', 'charset'],
    ['.leading', 'charset'],
    ['-leading', 'charset'],
    ['has space', 'charset'],
    ['slash/es', 'charset'],
    ['ünicode', 'charset'],
    ['tab\t', 'charset'],
    [42, 'charset'],
    [null, 'charset'],
    [undefined, 'charset'],
    [['alice'], 'charset'],
  ])('%j → %s', (raw, rule) => {
    expect(ruleOfUserId(raw)).toBe(rule);
  });

  it('returns the value unchanged when valid', () => {
    expect(checkUserId('alice')).toStrictEqual({ ok: true, value: 'alice' });
  });

  it('any accepted string satisfies every rule of docs/design.md', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9._:@-]{0,140}$/)), (raw) => {
        if (!isUserId(raw)) return;
        expect(raw).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);
        expect(raw.toLowerCase()).not.toBe('default');
        expect(raw.toLowerCase().startsWith('org_')).toBe(false);
        expect(raw).not.toContain('@');
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every string of the allowed shape that is not reserved or org_-prefixed', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/), (raw) => {
        const lower = raw.toLowerCase();
        fc.pre(lower !== 'default' && !lower.startsWith('org_'));
        expect(checkUserId(raw)).toStrictEqual({ ok: true, value: raw });
      }),
    );
  });
});

describe('parseUserId', () => {
  it('throws an IdentityError naming the rule', () => {
    let caught: unknown;
    try {
      parseUserId('Default');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IdentityError);
    expect(caught).toMatchObject({
      name: 'IdentityError',
      code: 'INVALID_USER_ID',
      rule: 'reserved',
      message:
        "INVALID_USER_ID (reserved): 'Default' is reserved and would share one scope among everybody.",
    });
  });

  it('does not echo an e-mail address into the message', () => {
    expect(() => parseUserId('jane@example.com')).toThrow(
      "INVALID_USER_ID (email): a user id may not be an e-mail address (addresses change); use the user's stable id.",
    );
  });

  it('returns the branded id', () => {
    expect(parseUserId('u-1')).toBe('u-1');
  });
});

describe('checkOrgId', () => {
  it.each<[unknown, IdRule | 'ok']>([
    ['acme', 'ok'],
    ['Acme-Corp_2', 'ok'],
    ['org_acme', 'ok'],
    ['a'.repeat(63), 'ok'],
    ['1', 'ok'],
    ['', 'length'],
    ['a'.repeat(64), 'length'],
    ['default', 'reserved'],
    ['DeFaUlT', 'reserved'],
    ['_acme', 'charset'],
    ['-acme', 'charset'],
    ['acme.corp', 'charset'],
    ['acme:corp', 'charset'],
    ['acme corp', 'charset'],
    ['a@b', 'charset'],
    [7, 'charset'],
    [{}, 'charset'],
  ])('%j → %s', (raw, rule) => {
    expect(ruleOfOrgId(raw)).toBe(rule);
  });

  it('parseOrgId throws INVALID_ORG_ID with the rule', () => {
    expect(() => parseOrgId('a'.repeat(64))).toThrow(
      expect.objectContaining({ code: 'INVALID_ORG_ID', rule: 'length' }),
    );
  });
});

describe('userIdSchema / orgIdSchema', () => {
  it('parse valid ids', () => {
    expect(userIdSchema.parse('alice')).toBe('alice');
    expect(orgIdSchema.parse('acme')).toBe('acme');
  });

  it('name the rule in the message and in params', () => {
    const result = userIdSchema.safeParse('DEFAULT');
    expect(result.success).toBe(false);
    expect(result.error?.issues).toStrictEqual([
      {
        code: 'custom',
        message:
          "INVALID_USER_ID (reserved): 'DEFAULT' is reserved and would share one scope among everybody.",
        params: { code: 'INVALID_USER_ID', rule: 'reserved' },
        path: [],
      },
    ]);
  });

  it('report the path inside an object', () => {
    const input = z.object({ userId: userIdSchema, orgId: orgIdSchema });
    const result = input.safeParse({ userId: 'org_evil', orgId: 'default' });
    expect(
      result.error?.issues.map((issue) => ({
        path: issue.path,
        params: 'params' in issue ? issue.params : undefined,
      })),
    ).toStrictEqual([
      { path: ['userId'], params: { code: 'INVALID_USER_ID', rule: 'org_prefix' } },
      { path: ['orgId'], params: { code: 'INVALID_ORG_ID', rule: 'reserved' } },
    ]);
  });

  it('reject non-strings with zod’s invalid_type issue', () => {
    const result = userIdSchema.safeParse(12);
    expect(result.error?.issues[0]?.code).toBe('invalid_type');
  });
});
