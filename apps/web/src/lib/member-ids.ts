/**
 * Members whose user id equals `userId` but for letter case (`Alice` for `alice`). Switchboard's
 * ids are case-sensitive, as Composio's are (docs/design.md rule 1), so such a pair is two people
 * with separate accounts: worth a warning before one is added, never a refusal.
 */
export function caseTwins<M extends { userId: string }>(
  members: readonly M[],
  userId: string,
): M[] {
  const id = userId.trim();
  if (id === '') return [];
  const folded = id.toLowerCase();
  return members.filter((m) => m.userId !== id && m.userId.toLowerCase() === folded);
}
