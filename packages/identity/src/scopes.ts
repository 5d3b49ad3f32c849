import { z } from 'zod';
import {
  checkOrgId,
  checkUserId,
  IdentityError,
  type OrgId,
  orgIdSchema,
  type UserId,
  userIdSchema,
} from './ids.js';

/** The owner of connected accounts: a person or an organization (docs/design.md rule 1). */
export type Scope = { kind: 'user'; userId: UserId } | { kind: 'org'; orgId: OrgId };

export type ScopeKind = Scope['kind'];

/** Prefix of every org scope's Composio user id. No valid user id starts with it, in any case. */
export const ORG_SCOPE_PREFIX = 'org_';

export function userScope(userId: UserId): Scope {
  return { kind: 'user', userId };
}

export function orgScope(orgId: OrgId): Scope {
  return { kind: 'org', orgId };
}

/** zod schema for a scope as it travels in API inputs and outputs. */
export const scopeSchema: z.ZodType<
  Scope,
  { kind: 'user'; userId: string } | { kind: 'org'; orgId: string }
> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: userIdSchema }),
  z.object({ kind: z.literal('org'), orgId: orgIdSchema }),
]);

/**
 * The Composio user id that holds a scope's accounts: a user scope → the user id unchanged, an
 * org scope → `org_<orgId>`. Injective: user ids never start with `org_`, so no user and org
 * share an id. The id inside the scope is checked again (a cast cannot smuggle in `org_x`);
 * a bad one throws {@link IdentityError}.
 */
export function composioUserIdFor(scope: Scope): string {
  switch (scope.kind) {
    case 'user': {
      const result = checkUserId(scope.userId);
      if (!result.ok) throw result.error;
      return result.value;
    }
    case 'org': {
      const result = checkOrgId(scope.orgId);
      if (!result.ok) throw result.error;
      return `${ORG_SCOPE_PREFIX}${result.value}`;
    }
    default:
      throw new IdentityError(
        'INVALID_COMPOSIO_USER_ID',
        'INVALID_COMPOSIO_USER_ID: unknown scope kind.',
      );
  }
}

/**
 * The inverse of {@link composioUserIdFor}. Accepts exactly the strings it produces: `org_`
 * (lower case) followed by a valid org id, or a valid user id. Anything else (`default`, an
 * e-mail, `ORG_x`, `org_`) throws {@link IdentityError} `INVALID_COMPOSIO_USER_ID`, carrying the
 * broken rule and the underlying error as `cause`.
 */
export function scopeFromComposioUserId(id: string): Scope {
  if (typeof id === 'string' && id.startsWith(ORG_SCOPE_PREFIX)) {
    const result = checkOrgId(id.slice(ORG_SCOPE_PREFIX.length));
    if (result.ok) return orgScope(result.value);
    throw refuse('an org scope with a valid org id', result.error);
  }
  const result = checkUserId(id);
  if (result.ok) return userScope(result.value);
  throw refuse('a valid user id', result.error);
}

function refuse(expected: string, cause: IdentityError): IdentityError {
  return new IdentityError(
    'INVALID_COMPOSIO_USER_ID',
    `INVALID_COMPOSIO_USER_ID: not a Composio user id Switchboard produces (expected ${expected}). ${cause.message}`,
    { rule: cause.rule, cause },
  );
}

export function sameScope(a: Scope, b: Scope): boolean {
  if (a.kind === 'user') return b.kind === 'user' && a.userId === b.userId;
  return b.kind === 'org' && a.orgId === b.orgId;
}

/** A short human description for messages: `the personal scope of 'u1'` or `org 'acme'`. */
export function describeScope(scope: Scope): string {
  return scope.kind === 'user' ? `the personal scope of '${scope.userId}'` : `org '${scope.orgId}'`;
}
