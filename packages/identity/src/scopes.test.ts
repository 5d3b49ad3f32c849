import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orgIdArb, scopeArb, userIdArb } from '../test/arbitraries.js';
import { IdentityError, type OrgId, parseOrgId, parseUserId, type UserId } from './ids.js';
import {
  composioUserIdFor,
  orgScope,
  sameScope,
  scopeFromComposioUserId,
  scopeSchema,
  userScope,
} from './scopes.js';

describe('composioUserIdFor', () => {
  it('maps a user scope to the user id unchanged', () => {
    expect(composioUserIdFor(userScope(parseUserId('550e8400-e29b')))).toBe('550e8400-e29b');
  });

  it('maps an org scope to org_<orgId>', () => {
    expect(composioUserIdFor(orgScope(parseOrgId('acme')))).toBe('org_acme');
    expect(composioUserIdFor(orgScope(parseOrgId('org_1')))).toBe('org_org_1');
  });

  it('re-checks ids that were cast instead of parsed', () => {
    expect(() => composioUserIdFor(userScope('org_acme' as UserId))).toThrow(
      expect.objectContaining({ code: 'INVALID_USER_ID', rule: 'org_prefix' }),
    );
    expect(() => composioUserIdFor(orgScope('' as OrgId))).toThrow(
      expect.objectContaining({ code: 'INVALID_ORG_ID', rule: 'length' }),
    );
  });

  it('is injective across all users and orgs', () => {
    fc.assert(
      fc.property(scopeArb, scopeArb, (a, b) => {
        expect(composioUserIdFor(a) === composioUserIdFor(b)).toBe(sameScope(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('never gives a user the id of an org', () => {
    fc.assert(
      fc.property(userIdArb, orgIdArb, (userId, orgId) => {
        expect(composioUserIdFor(userScope(userId))).not.toBe(composioUserIdFor(orgScope(orgId)));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips through scopeFromComposioUserId', () => {
    fc.assert(
      fc.property(scopeArb, (scope) => {
        expect(scopeFromComposioUserId(composioUserIdFor(scope))).toStrictEqual(scope);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('scopeFromComposioUserId', () => {
  it.each([
    ['alice', userScope(parseUserId('alice'))],
    ['org_acme', orgScope(parseOrgId('acme'))],
    ['org_org_1', orgScope(parseOrgId('org_1'))],
  ])('%s → its scope', (id, scope) => {
    expect(scopeFromComposioUserId(id)).toStrictEqual(scope);
  });

  it.each([
    ['default', 'reserved'],
    ['DEFAULT', 'reserved'],
    ['jane@example.com', 'email'],
    ['ORG_acme', 'org_prefix'],
    ['Org_acme', 'org_prefix'],
    ['org_', 'length'],
    ['org_default', 'reserved'],
    ['org_a.b', 'charset'],
    ['org__a', 'charset'],
    ['', 'length'],
    [' alice', 'charset'],
  ])('refuses %j (%s)', (id, rule) => {
    expect(() => scopeFromComposioUserId(id)).toThrow(
      expect.objectContaining({ name: 'IdentityError', code: 'INVALID_COMPOSIO_USER_ID', rule }),
    );
  });

  it('keeps the id error as cause', () => {
    try {
      scopeFromComposioUserId('default');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(IdentityError);
      expect((error as IdentityError).cause).toBeInstanceOf(IdentityError);
    }
  });

  it('accepts only what composioUserIdFor produces', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^(org_|ORG_|Org_)?[A-Za-z0-9._:@-]{0,70}$/),
          scopeArb.map(composioUserIdFor),
        ),
        (id) => {
          let scope: ReturnType<typeof scopeFromComposioUserId>;
          try {
            scope = scopeFromComposioUserId(id);
          } catch (error) {
            expect(error).toMatchObject({ code: 'INVALID_COMPOSIO_USER_ID' });
            return;
          }
          expect(composioUserIdFor(scope)).toBe(id);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('sameScope', () => {
  const alice = parseUserId('alice');
  const acme = parseOrgId('acme');
  it.each([
    [userScope(alice), userScope(alice), true],
    [userScope(alice), userScope(parseUserId('Alice')), false],
    [orgScope(acme), orgScope(acme), true],
    [orgScope(acme), orgScope(parseOrgId('globex')), false],
    [userScope(parseUserId('acme')), orgScope(acme), false],
    [orgScope(acme), userScope(parseUserId('acme')), false],
  ])('%j vs %j → %s', (a, b, same) => {
    expect(sameScope(a, b)).toBe(same);
  });
});

describe('scopeSchema', () => {
  it('parses both kinds and checks the ids', () => {
    expect(scopeSchema.parse({ kind: 'org', orgId: 'acme' })).toStrictEqual(
      orgScope(parseOrgId('acme')),
    );
    expect(scopeSchema.safeParse({ kind: 'user', userId: 'org_acme' }).success).toBe(false);
    expect(scopeSchema.safeParse({ kind: 'team', id: 'x' }).success).toBe(false);
  });
});
