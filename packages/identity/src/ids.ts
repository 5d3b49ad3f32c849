import { z } from 'zod';

/**
 * A person's stable id (e.g. a database UUID), checked against docs/design.md rule 1. In a user scope
 * it is also the Composio user id, unchanged. Obtain one with {@link parseUserId} or
 * {@link userIdSchema}; never cast.
 */
export type UserId = string & { readonly __brand: 'UserId' };

/** An organization's id, checked by {@link parseOrgId}. Its Composio user id is `org_<orgId>`. */
export type OrgId = string & { readonly __brand: 'OrgId' };

/** The rule an id broke; carried by {@link IdentityError} and by the zod issue's `params`. */
export type IdRule = 'reserved' | 'email' | 'org_prefix' | 'charset' | 'length';

export type IdentityErrorCode = 'INVALID_USER_ID' | 'INVALID_ORG_ID' | 'INVALID_COMPOSIO_USER_ID';

/** The one error this package throws: an id that breaks a rule. Nothing is written on it. */
export class IdentityError extends Error {
  override name = 'IdentityError';
  /** The rule that failed, when an id rule failed (always set for user and org ids). */
  readonly rule?: IdRule;

  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    options?: { rule?: IdRule | undefined; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.rule = options?.rule;
  }
}

export type IdCheck<T> = { ok: true; value: T } | { ok: false; error: IdentityError };

/** Longest user id: 128 characters. */
export const USER_ID_MAX_LENGTH = 128;
/** Longest org id: 63 characters (so `org_<orgId>` stays short). */
export const ORG_ID_MAX_LENGTH = 63;

const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ORG_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
// E-mail shaped: an '@' with at least one character (any character) on each side.
const EMAIL_SHAPE = /.@./s;
const RESERVED = 'default';
const ORG_PREFIX = 'org_';

function typeName(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'array';
  return typeof raw;
}

function fail<T>(code: IdentityErrorCode, rule: IdRule, detail: string): IdCheck<T> {
  return { ok: false, error: new IdentityError(code, `${code} (${rule}): ${detail}`, { rule }) };
}

/**
 * Checks a user id without throwing. The rules are tried in this order and the first that fails
 * is reported, so the error is the most helpful one:
 *
 * 1. not a string → `charset`; empty → `length`
 * 2. e-mail shaped (an `@` with a character on each side) → `email` (before `charset`, although
 *    `@` is not an allowed character: "not an e-mail" is what the caller needs to hear)
 * 3. `default` in any case → `reserved`
 * 4. starts with `org_` in any case → `org_prefix` (case-insensitive so `ORG_acme` cannot pose as
 *    an org scope in any system that folds case)
 * 5. longer than 128 → `length`
 * 6. not `^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$` → `charset`
 */
export function checkUserId(raw: unknown): IdCheck<UserId> {
  const code = 'INVALID_USER_ID';
  if (typeof raw !== 'string') {
    return fail(code, 'charset', `a user id must be a string, got ${typeName(raw)}.`);
  }
  if (raw.length === 0) return fail(code, 'length', 'a user id may not be empty.');
  if (EMAIL_SHAPE.test(raw)) {
    return fail(
      code,
      'email',
      "a user id may not be an e-mail address (addresses change); use the user's stable id.",
    );
  }
  if (raw.toLowerCase() === RESERVED) {
    return fail(
      code,
      'reserved',
      `'${raw}' is reserved and would share one scope among everybody.`,
    );
  }
  if (raw.toLowerCase().startsWith(ORG_PREFIX)) {
    return fail(
      code,
      'org_prefix',
      "a user id may not start with 'org_' (reserved for org scopes).",
    );
  }
  if (raw.length > USER_ID_MAX_LENGTH) {
    return fail(code, 'length', `a user id has at most ${USER_ID_MAX_LENGTH} characters.`);
  }
  if (!USER_ID_PATTERN.test(raw)) {
    return fail(
      code,
      'charset',
      'a user id starts with a letter or digit and contains only letters, digits and . _ : -',
    );
  }
  return { ok: true, value: raw as UserId };
}

/**
 * Checks an org id without throwing. Order: not a string → `charset`; empty or longer than 63 →
 * `length`; `default` in any case → `reserved`; not `^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$` → `charset`.
 */
export function checkOrgId(raw: unknown): IdCheck<OrgId> {
  const code = 'INVALID_ORG_ID';
  if (typeof raw !== 'string') {
    return fail(code, 'charset', `an org id must be a string, got ${typeName(raw)}.`);
  }
  if (raw.length === 0) return fail(code, 'length', 'an org id may not be empty.');
  if (raw.length > ORG_ID_MAX_LENGTH) {
    return fail(code, 'length', `an org id has at most ${ORG_ID_MAX_LENGTH} characters.`);
  }
  if (raw.toLowerCase() === RESERVED) {
    return fail(code, 'reserved', `'${raw}' is reserved and may not name an organization.`);
  }
  if (!ORG_ID_PATTERN.test(raw)) {
    return fail(
      code,
      'charset',
      'an org id starts with a letter or digit and contains only letters, digits, _ and -',
    );
  }
  return { ok: true, value: raw as OrgId };
}

/** Returns the user id or throws an {@link IdentityError} `INVALID_USER_ID` naming the rule. */
export function parseUserId(raw: unknown): UserId {
  const result = checkUserId(raw);
  if (!result.ok) throw result.error;
  return result.value;
}

/** Returns the org id or throws an {@link IdentityError} `INVALID_ORG_ID` naming the rule. */
export function parseOrgId(raw: unknown): OrgId {
  const result = checkOrgId(raw);
  if (!result.ok) throw result.error;
  return result.value;
}

export function isUserId(raw: unknown): raw is UserId {
  return checkUserId(raw).ok;
}

export function isOrgId(raw: unknown): raw is OrgId {
  return checkOrgId(raw).ok;
}

/** Issue params of a failed id schema: read `issue.params.rule` to branch on the rule. */
export interface IdIssueParams {
  code: IdentityErrorCode;
  rule: IdRule | undefined;
}

function idSchema<T extends string>(check: (raw: unknown) => IdCheck<T>): z.ZodType<T, string> {
  return z.string().transform((raw, ctx): T => {
    const result = check(raw);
    if (result.ok) return result.value;
    const params: IdIssueParams = { code: result.error.code, rule: result.error.rule };
    ctx.addIssue({ code: 'custom', message: result.error.message, params, input: raw });
    return z.NEVER;
  });
}

/**
 * zod schema for a user id: input `string`, output {@link UserId}. A failure is one `custom`
 * issue whose message starts with `INVALID_USER_ID (<rule>)` and whose `params` are
 * {@link IdIssueParams}. Non-strings fail with zod's own `invalid_type` issue.
 */
export const userIdSchema: z.ZodType<UserId, string> = idSchema(checkUserId);

/** zod schema for an org id; like {@link userIdSchema} with `INVALID_ORG_ID`. */
export const orgIdSchema: z.ZodType<OrgId, string> = idSchema(checkOrgId);
