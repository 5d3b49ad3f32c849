import type { Acting } from '../../access/acting.js';
import type { AppDeps } from '../../platform/deps.js';
import { publicScope } from '../scope-columns.js';
import { type AuditQuery, listAttempts } from './audit.repo.js';
import type { AuditEventsInput, AuditListInput } from './audit.schema.js';
import { type AuditEvent, insertAuditEvent, listAuditEvents } from './audit-events.repo.js';

const DEFAULT_PAGE = 50;

/** The log a context may read: an organization's (when acting in it), else one's own. */
function logOf(acting: Acting): AuditQuery['filter'] {
  return acting.org
    ? { orgId: acting.org.orgId }
    : { actor: acting.caller.userId, visibleOrgIds: acting.caller.memberships.map((m) => m.orgId) };
}

/**
 * Records a management action the caller was refused (a member connecting for the
 * organization, a viewer changing a policy), so the organization's admins see it in its log.
 */
export async function recordRefusal(
  deps: AppDeps,
  refusal: Omit<AuditEvent, 'decision'> & { reason: string },
): Promise<void> {
  await insertAuditEvent(deps.db, { ...refusal, decision: 'denied' }, deps.now());
}

/** One page of the log of what is not a tool execution, newest first. */
export async function listEvents(deps: AppDeps, acting: Acting, input: AuditEventsInput) {
  const query = input ?? { limit: DEFAULT_PAGE };
  const limit = query.limit ?? DEFAULT_PAGE;
  const rows = await listAuditEvents(deps.db, {
    filter: logOf(acting),
    actor: query.actor,
    action: query.action,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    before: query.cursor,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => ({
      ...row,
      scope: publicScope(row.scope),
      occurredAt: row.occurredAt.toISOString(),
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/**
 * One page of the audit log, newest first (rule 9): an organization's executions when acting in
 * it (the caller may read its log), else the caller's own, in their scope and the organizations
 * they are still a member of.
 */
export async function listAudit(deps: AppDeps, acting: Acting, input: AuditListInput) {
  const query = input ?? { limit: DEFAULT_PAGE };
  const limit = query.limit ?? DEFAULT_PAGE;
  const filter = logOf(acting);
  const rows = await listAttempts(deps.db, {
    filter,
    toolkit: query.toolkit,
    outcome: query.outcome,
    actor: query.actor,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
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
