import type { Acting } from '../../access/acting.js';
import type { AppDeps } from '../../platform/deps.js';
import { publicScope } from '../scope-columns.js';
import { type AuditQuery, listAttempts } from './audit.repo.js';
import type { AuditListInput } from './audit.schema.js';

const DEFAULT_PAGE = 50;

/**
 * One page of the audit log, newest first (rule 9): an organization's executions when acting in
 * it (the caller may read its log), else the caller's own, in their scope and the organizations
 * they are still a member of.
 */
export async function listAudit(deps: AppDeps, acting: Acting, input: AuditListInput) {
  const query = input ?? { limit: DEFAULT_PAGE };
  const limit = query.limit ?? DEFAULT_PAGE;
  const filter: AuditQuery['filter'] = acting.org
    ? { orgId: acting.org.orgId }
    : {
        actor: acting.caller.userId,
        visibleOrgIds: acting.caller.memberships.map((m) => m.orgId),
      };
  const rows = await listAttempts(deps.db, {
    filter,
    toolkit: query.toolkit,
    outcome: query.outcome,
    before: query.cursor,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => ({
      ...row,
      scope: publicScope(row.scope),
      startedAt: row.startedAt.toISOString(),
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
