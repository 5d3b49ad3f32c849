import type { Acting } from '../../access/acting.js';
import type { AppDeps } from '../../platform/deps.js';
import { publicScope } from '../scope-columns.js';
import { type AuditQuery, listAttempts } from './audit.repo.js';
import type { AuditEventsInput, AuditListInput } from './audit.schema.js';
import { type AuditEvent, insertAuditEvent, listAuditEvents } from './audit-events.repo.js';

const DEFAULT_PAGE = 50;

/** The log a context may read: an organization's (when acting in it), else one's own. */
export function logOf(acting: Acting): AuditQuery['filter'] {
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

/** The time window of a query, as dates (`from` inclusive, `to` exclusive). */
function window(query: { from?: string | undefined; to?: string | undefined }) {
  return {
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

/** Reads one row past the page to tell whether another page follows; ids are the cursors. */
async function page<Row extends { id: string }, Item>(
  limit: number,
  read: (limitPlusOne: number) => Promise<Row[]>,
  view: (row: Row) => Item,
) {
  const rows = await read(limit + 1);
  const items = rows.slice(0, limit);
  return {
    items: items.map(view),
    nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null,
  };
}

/** One page of the log of what is not a tool execution, newest first. */
export async function listEvents(deps: AppDeps, acting: Acting, input: AuditEventsInput) {
  const query = input ?? { limit: DEFAULT_PAGE };
  return page(
    query.limit ?? DEFAULT_PAGE,
    (limit) =>
      listAuditEvents(deps.db, {
        filter: logOf(acting),
        actor: query.actor,
        action: query.action,
        decision: query.decision,
        ...window(query),
        before: query.cursor,
        limit,
      }),
    (row) => ({ ...row, scope: publicScope(row.scope), occurredAt: row.occurredAt.toISOString() }),
  );
}

/**
 * One page of the audit log, newest first (rule 9): an organization's executions when acting in
 * it (the caller may read its log), else the caller's own, in their scope and the organizations
 * they are still a member of.
 */
export async function listAudit(deps: AppDeps, acting: Acting, input: AuditListInput) {
  const query = input ?? { limit: DEFAULT_PAGE };
  return page(
    query.limit ?? DEFAULT_PAGE,
    (limit) =>
      listAttempts(deps.db, {
        filter: logOf(acting),
        toolkit: query.toolkit,
        outcome: query.outcome,
        actor: query.actor,
        ...window(query),
        before: query.cursor,
        limit,
      }),
    (row) => ({ ...row, scope: publicScope(row.scope), startedAt: row.startedAt.toISOString() }),
  );
}
