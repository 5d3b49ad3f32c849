import { expect } from 'vitest';
import { auditRows, type Harness } from './harness.js';

/**
 * Runs one execution attempt and checks it left exactly one audit row naming the acting user and
 * the owning scope.
 */
export async function expectAudited<T>(
  h: Harness,
  expected: {
    actor: string;
    scope: { kind: 'user' | 'org'; id: string };
    decision: 'allowed' | 'denied';
    denyReason?: string;
  },
  attempt: () => Promise<T>,
): Promise<T> {
  const before = (await auditRows(h.db)).length;
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await attempt() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const rows = await auditRows(h.db);
  expect(rows.length, 'exactly one audit row per execution attempt').toBe(before + 1);
  const row = rows.at(-1);
  expect(row?.actor_user_id).toBe(expected.actor);
  expect(row?.scope_kind).toBe(expected.scope.kind);
  expect(expected.scope.kind === 'org' ? row?.scope_org_id : row?.scope_user_id).toBe(
    expected.scope.id,
  );
  expect(row?.decision).toBe(expected.decision);
  if (expected.denyReason) expect(row?.deny_reason).toBe(expected.denyReason);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
