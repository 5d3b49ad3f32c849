import type { Database } from '@switchboard/db';
import type { OrgId, Scope, UserId } from '@switchboard/identity';
import type { Kysely } from 'kysely';
import { scopeColumns, scopeOfRow } from '../scope-columns.js';
import type { AuditQuery, Channel } from './audit.repo.js';

type Db = Kysely<Database>;

/** An audited step that is not a tool execution: a refused management action, for one. */
export interface AuditEvent {
  actorUserId: UserId;
  scope: Scope;
  /** What was asked for (an action of docs/design.md rule 3). */
  action: string;
  /** What it was asked of: a toolkit, an account id, a member's user id. */
  target: string | null;
  decision: 'allowed' | 'denied';
  reason: string | null;
  channel: Channel;
  /** What an approver wrote when deciding on an approval. */
  note?: string | null | undefined;
}

export interface StoredAuditEvent extends AuditEvent {
  id: string;
  note: string | null;
  occurredAt: Date;
  actorName: string | null;
}

export async function insertAuditEvent(db: Db, event: AuditEvent, at: Date): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      occurred_at: at,
      actor_user_id: event.actorUserId,
      ...scopeColumns(event.scope),
      action: event.action,
      target: event.target,
      decision: event.decision,
      reason: event.reason,
      channel: event.channel,
      note: event.note ?? null,
    })
    .execute();
}

/** One page of events, newest first: an organization's, or one person's own (as `audit.list`). */
export async function listAuditEvents(
  db: Db,
  query: {
    filter: AuditQuery['filter'];
    actor?: string | undefined;
    action?: string | undefined;
    decision?: 'allowed' | 'denied' | undefined;
    from?: Date | undefined;
    to?: Date | undefined;
    before?: string | undefined;
    limit: number;
  },
): Promise<StoredAuditEvent[]> {
  let q = db
    .selectFrom('audit_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .selectAll('e')
    .select('u.display_name as actor_name')
    .orderBy('e.id', 'desc')
    .limit(query.limit);
  const filter = query.filter;
  if ('orgId' in filter) {
    q = q.where('e.scope_org_id', '=', filter.orgId);
  } else {
    const orgIds: readonly OrgId[] = filter.visibleOrgIds;
    q = q.where('e.actor_user_id', '=', filter.actor);
    q = q.where((eb) =>
      orgIds.length > 0
        ? eb.or([eb('e.scope_kind', '=', 'user'), eb('e.scope_org_id', 'in', orgIds)])
        : eb('e.scope_kind', '=', 'user'),
    );
  }
  if (query.actor) q = q.where('e.actor_user_id', '=', query.actor);
  if (query.action) q = q.where('e.action', '=', query.action);
  if (query.decision) q = q.where('e.decision', '=', query.decision);
  if (query.from) q = q.where('e.occurred_at', '>=', query.from);
  if (query.to) q = q.where('e.occurred_at', '<', query.to);
  if (query.before) q = q.where('e.id', '<', query.before as never);
  const rows = await q.execute();
  return rows.map((row) => ({
    id: String(row.id),
    occurredAt: row.occurred_at,
    actorUserId: row.actor_user_id as UserId,
    actorName: row.actor_name,
    scope: scopeOfRow(row),
    action: row.action,
    target: row.target,
    decision: row.decision as 'allowed' | 'denied',
    reason: row.reason,
    channel: row.channel,
    note: row.note,
  }));
}
