import { createHash, randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random id shaped like Composio's nanoids: `ca_` + 12 characters. */
export function newId(prefix: string, length = 12): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${out}`;
}

/** A random UUID v4. */
export function newUuid(): string {
  return randomUUID();
}

/** A stable hex digest of `input`, for deterministic seeded ids. */
export function stableHex(input: string, length = 16): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length);
}

/** A stable positive integer from `input` (below 2^31), for GitHub-style numeric ids. */
export function stableInt(input: string): number {
  return Number.parseInt(stableHex(input, 8), 16) % 2_000_000_000;
}

/** A stable UUID-shaped string from `input`, for Notion-style ids. */
export function stableUuid(input: string): string {
  const h = stableHex(input, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ADJECTIVES = ['red', 'blue', 'quiet', 'brave', 'amber', 'swift', 'calm', 'bright'];
const NOUNS = ['castle', 'river', 'falcon', 'meadow', 'harbor', 'summit', 'lantern', 'orchard'];

/** Composio's short multi-account label, e.g. `gmail_red-castle`, derived from the account id. */
export function wordIdFor(toolkit: string, accountId: string): string {
  const h = stableInt(accountId);
  return `${toolkit}_${ADJECTIVES[h % ADJECTIVES.length]}-${NOUNS[Math.floor(h / 8) % NOUNS.length]}`;
}
