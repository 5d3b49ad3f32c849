/**
 * Upstream identities: the login or address the provider reports for a connected account. The
 * consent page offers suggestions derived from the Composio user id; every toolkit seeds its
 * per-account data from the identity alone, so the same identity always sees the same start.
 */

/** The user id reduced to a lower-case handle usable in an e-mail local part. */
export function handleFromUserId(userId: string): string {
  const handle = userId
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 32);
  return handle === '' ? 'user' : handle;
}

/** Identities the consent page offers for `userId`, e.g. `alice@…`, `alice-work@…`. */
export function identitySuggestions(userId: string): string[] {
  const handle = handleFromUserId(userId);
  return [
    `${handle}@example.test`,
    `${handle}-work@example.test`,
    `${handle}-personal@example.test`,
  ];
}

/** A GitHub/Slack-style login: the local part of an e-mail identity, else the identity itself. */
export function loginFromIdentity(identity: string): string {
  const local = identity.includes('@') ? identity.slice(0, identity.indexOf('@')) : identity;
  const login = local
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 39);
  return login === '' ? 'user' : login;
}

/** The mailbox address of an identity: the identity when it is an address, else `<login>@example.test`. */
export function emailFromIdentity(identity: string): string {
  return /^[^@\s]+@[^@\s]+$/.test(identity)
    ? identity.toLowerCase()
    : `${loginFromIdentity(identity)}@example.test`;
}

/** Trims and checks an identity typed on the consent page; `null` when unusable. */
export function normalizeIdentity(raw: string): string | null {
  const identity = raw.trim();
  if (identity === '' || identity.length > 200 || /[\s<>"]/.test(identity)) return null;
  return identity;
}
