import type { Database } from '@switchboard/db';
import type { OrgId, Scope, UserId } from '@switchboard/identity';
import type { Kysely, Selectable } from 'kysely';
import { scopeColumns, scopeOfRow } from './scope-columns.js';

type Db = Kysely<Database>;
type AuditRow = Selectable<Database['tool_executions']>;

export type Outcome = 'success' | 'tool_error' | 'error' | 'denied';

/** One tool execution attempt (rule 9). Arguments and results are never stored. */
export interface ExecutionAttempt {
  executionId: string;
  actorUserId: UserId;
  scope: Scope;
  toolkit: string;
  tool: string;
  connectedAccountId: string | null;
  decision: 'allowed' | 'denied';
  denyReason: string | null;
  outcome: Outcome;
  errorCode: string | null;
  durationMs: number;
  startedAt: Date;
}

export async function insertAttempt(db: Db, attempt: ExecutionAttempt): Promise<void> {
  await db
    .insertInto('tool_executions')
    .values({
      execution_id: attempt.executionId,
      actor_user_id: attempt.actorUserId,
      ...scopeColumns(attempt.scope),
      toolkit: attempt.toolkit,
      tool: attempt.tool,
      connected_account_id: attempt.connectedAccountId,
      decision: attempt.decision,
      deny_reason: attempt.denyReason,
      outcome: attempt.outcome,
      error_code: attempt.errorCode,
      duration_ms: Math.max(0, Math.round(attempt.durationMs)),
      started_at: attempt.startedAt,
    })
    .execute();
}

export interface AuditEntry extends ExecutionAttempt {
  id: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.id),
    executionId: row.execution_id,
    actorUserId: row.actor_user_id as UserId,
    scope: scopeOfRow(row),
    toolkit: row.toolkit,
    tool: row.tool,
    connectedAccountId: row.connected_account_id,
    decision: row.decision as 'allowed' | 'denied',
    denyReason: row.deny_reason,
    outcome: row.outcome as Outcome,
    errorCode: row.error_code,
    durationMs: row.duration_ms,
    startedAt: row.started_at,
  };
}

export interface AuditQuery {
  /** An organization's log (admins), or the caller's own executions. */
  filter: { orgId: OrgId } | { actor: UserId; visibleOrgIds: readonly OrgId[] };
  toolkit?: string | undefined;
  outcome?: Outcome | undefined;
  /** Rows older than this id (newest first). */
  before?: string | undefined;
  limit: number;
}

export async function listAttempts(db: Db, query: AuditQuery): Promise<AuditEntry[]> {
  let q = db.selectFrom('tool_executions').selectAll().orderBy('id', 'desc').limit(query.limit);
  const filter = query.filter;
  if ('orgId' in filter) {
    q = q.where('scope_org_id', '=', filter.orgId);
  } else {
    q = q.where('actor_user_id', '=', filter.actor);
    q = q.where((eb) =>
      filter.visibleOrgIds.length > 0
        ? eb.or([eb('scope_kind', '=', 'user'), eb('scope_org_id', 'in', filter.visibleOrgIds)])
        : eb('scope_kind', '=', 'user'),
    );
  }
  if (query.toolkit) q = q.where('toolkit', '=', query.toolkit);
  if (query.outcome) q = q.where('outcome', '=', query.outcome);
  if (query.before) q = q.where('id', '<', query.before as never);
  return (await q.execute()).map(toEntry);
}
