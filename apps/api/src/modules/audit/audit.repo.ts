import { type Database, preparedStatement } from '@switchboard/db';
import type { OrgId, Scope, UserId } from '@switchboard/identity';
import {
  CompiledQuery,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import { scopeColumns, scopeOfRow } from '../scope-columns.js';

type Db = Kysely<Database>;
type AuditRow = Selectable<Database['tool_executions']>;

export type Outcome = 'success' | 'tool_error' | 'error' | 'denied' | 'pending' | 'unknown';

/** How an attempt that reached Composio can end (what settles a `pending` row). */
export type FinalOutcome = Exclude<Outcome, 'denied' | 'pending' | 'unknown'>;

/** The transport an attempt came over. */
export type Channel = 'trpc' | 'mcp';

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
  channel: Channel;
  /** The approval this attempt was held for, or ran under (toolkit policies' `approvalTools`). */
  approvalId?: string | null | undefined;
  /** A `pending` row's deadline, after which the sweeper settles it as `unknown`. */
  settleBy?: Date | null;
}

/** The columns an attempt is written in, in the order `attemptArrays` gives them. */
export const ATTEMPT_COLUMNS = `execution_id, actor_user_id, scope_kind, scope_user_id,
  scope_org_id, composio_user_id, toolkit, tool, connected_account_id, decision, deny_reason,
  outcome, error_code, duration_ms, started_at, channel, approval_id, settle_by`;
const COLUMN_COUNT = 18;

/** `ATTEMPT_COLUMNS` as rows, from one array parameter per column ($1 to $18). */
export const ATTEMPT_ROWS = `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
  $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
  $13::text[], $14::integer[], $15::timestamptz[], $16::text[], $17::uuid[], $18::timestamptz[])
  as a(${ATTEMPT_COLUMNS})`;

// Fixed SQL (nothing to build or compile per call): one row, or many as one array per column.
const INSERT_ATTEMPT_SQL = preparedStatement(`insert into tool_executions (${ATTEMPT_COLUMNS})
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`);
const INSERT_ATTEMPTS_SQL = preparedStatement(`insert into tool_executions (${ATTEMPT_COLUMNS})
  select * from ${ATTEMPT_ROWS}`);

function columnValues(attempt: ExecutionAttempt): unknown[] {
  const scope = scopeColumns(attempt.scope);
  return [
    attempt.executionId,
    attempt.actorUserId,
    scope.scope_kind,
    scope.scope_user_id,
    scope.scope_org_id,
    scope.composio_user_id,
    attempt.toolkit,
    attempt.tool,
    attempt.connectedAccountId,
    attempt.decision,
    attempt.denyReason,
    attempt.outcome,
    attempt.errorCode,
    Math.max(0, Math.round(attempt.durationMs)),
    attempt.startedAt,
    attempt.channel,
    attempt.approvalId ?? null,
    attempt.settleBy ?? null,
  ];
}

/** The parameters of `ATTEMPT_ROWS`: one array per column. */
export function attemptArrays(attempts: readonly ExecutionAttempt[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: COLUMN_COUNT }, () => []);
  for (const attempt of attempts) {
    const values = columnValues(attempt);
    for (let i = 0; i < values.length; i++) (columns[i] as unknown[]).push(values[i]);
  }
  return columns;
}

export async function insertAttempt(db: Db, attempt: ExecutionAttempt): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(INSERT_ATTEMPT_SQL, columnValues(attempt)));
}

/** Several attempts in one statement: all are written, or none. */
export async function insertAttempts(db: Db, attempts: readonly ExecutionAttempt[]): Promise<void> {
  if (attempts.length === 1) return insertAttempt(db, attempts[0] as ExecutionAttempt);
  await db.executeQuery(CompiledQuery.raw(INSERT_ATTEMPTS_SQL, attemptArrays(attempts)));
}

/** How a `pending` attempt ended, written once Composio has answered. */
export interface Settlement {
  executionId: string;
  outcome: FinalOutcome;
  errorCode: string | null;
  durationMs: number;
}

// Only a row still pending is settled: one the sweeper already gave up on stays `unknown`.
/** Settles the rows of `settlementArrays` ($1 to $4); returns the ids it settled. */
export const SETTLE_ATTEMPTS = `update tool_executions t
  set outcome = s.outcome, error_code = s.error_code, duration_ms = s.duration_ms, settle_by = null
  from unnest($1::uuid[], $2::text[], $3::text[], $4::integer[])
    as s(execution_id, outcome, error_code, duration_ms)
  where t.execution_id = s.execution_id and t.outcome = 'pending'
  returning t.execution_id::text as execution_id`;
const SETTLE_SQL = preparedStatement(SETTLE_ATTEMPTS);

/** The parameters of `SETTLE_ATTEMPTS`. */
export function settlementArrays(settlements: readonly Settlement[]): unknown[][] {
  return [
    settlements.map((s) => s.executionId),
    settlements.map((s) => s.outcome),
    settlements.map((s) => s.errorCode),
    settlements.map((s) => Math.max(0, Math.round(s.durationMs))),
  ];
}

/** Settles pending rows; answers, for each, whether it was still pending (and is now settled). */
export async function settleAttempts(
  db: Db,
  settlements: readonly Settlement[],
): Promise<boolean[]> {
  const result = await db.executeQuery<{ execution_id: string }>(
    CompiledQuery.raw(SETTLE_SQL, settlementArrays(settlements)),
  );
  const settled = new Set(result.rows.map((row) => row.execution_id));
  return settlements.map((s) => settled.has(s.executionId));
}

/**
 * Settles rows left `pending` past their deadline (their process stopped mid-call) as `unknown`,
 * and answers them. Rows another instance is settling at the same moment are skipped, so
 * sweepers on several instances never wait on each other or settle a row twice.
 */
export async function sweepPendingAttempts(
  db: Db,
  now: Date,
  limit: number,
): Promise<ExecutionAttempt[]> {
  const result = await sql<AuditRow>`update tool_executions t
    set outcome = 'unknown', settle_by = null
    where t.id in (
      select id from tool_executions
      where outcome = 'pending' and settle_by < ${now}
      order by settle_by
      limit ${limit}
      for update skip locked
    ) and t.outcome = 'pending'
    returning t.*`.execute(db);
  return result.rows.map(toEntry);
}

export interface AuditEntry extends ExecutionAttempt {
  id: string;
  approvalId: string | null;
}

/** An entry as the log shows it, with the names its ids stand for (as they are now). */
export interface ListedAttempt extends AuditEntry {
  actorName: string | null;
  /** The account's label and upstream identity, if the account is still in the map. */
  account: { label: string | null; upstreamIdentity: string | null } | null;
}

/** A row of the log as the API's entry. */
export function toEntry(row: AuditRow): AuditEntry {
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
    channel: row.channel,
    approvalId: row.approval_id,
  };
}

export interface AuditQuery {
  /** An organization's log (admins), or the caller's own executions. */
  filter: { orgId: OrgId } | { actor: UserId; visibleOrgIds: readonly OrgId[] };
  toolkit?: string | undefined;
  outcome?: Outcome | undefined;
  /** Only this member's attempts. */
  actor?: UserId | undefined;
  /** Attempts started at or after `from`, and before `to`. */
  from?: Date | undefined;
  to?: Date | undefined;
  /** Rows older than this id (newest first). */
  before?: string | undefined;
  limit: number;
}

/** What an audit query selects of `tool_executions as t`, as its listing and its export read it. */
export type AuditSelection = Pick<AuditQuery, 'filter' | 'toolkit' | 'outcome' | 'actor'>;

/**
 * The rows of `tool_executions as t` that `query` may see and asks for: an organization's log,
 * or the caller's own executions in their own scope and in the organizations they still belong
 * to; narrowed by toolkit, outcome and actor.
 */
export function matchingAttempts(
  eb: ExpressionBuilder<{ t: Database['tool_executions'] }, 't'>,
  query: AuditSelection,
): Expression<SqlBool> {
  const { filter } = query;
  const conditions: Expression<SqlBool>[] =
    'orgId' in filter
      ? [eb('t.scope_org_id', '=', filter.orgId)]
      : [
          eb('t.actor_user_id', '=', filter.actor),
          filter.visibleOrgIds.length > 0
            ? eb.or([
                eb('t.scope_kind', '=', 'user'),
                eb('t.scope_org_id', 'in', filter.visibleOrgIds),
              ])
            : eb('t.scope_kind', '=', 'user'),
        ];
  if (query.toolkit) conditions.push(eb('t.toolkit', '=', query.toolkit));
  if (query.outcome) conditions.push(eb('t.outcome', '=', query.outcome));
  if (query.actor) conditions.push(eb('t.actor_user_id', '=', query.actor));
  return eb.and(conditions);
}

export async function listAttempts(db: Db, query: AuditQuery): Promise<ListedAttempt[]> {
  let q = db
    .selectFrom('tool_executions as t')
    .leftJoin('users as u', 'u.id', 't.actor_user_id')
    .leftJoin('connected_accounts as a', 'a.id', 't.connected_account_id')
    .selectAll('t')
    .select([
      'u.display_name as actor_name',
      'a.label as account_label',
      'a.upstream_identity as account_identity',
    ])
    .orderBy('t.id', 'desc')
    .where((eb) => matchingAttempts(eb, query))
    .limit(query.limit);
  if (query.from) q = q.where('t.started_at', '>=', query.from);
  if (query.to) q = q.where('t.started_at', '<', query.to);
  if (query.before) q = q.where('t.id', '<', query.before as never);
  return (await q.execute()).map((row) => ({
    ...toEntry(row),
    actorName: row.actor_name,
    account:
      row.connected_account_id === null
        ? null
        : { label: row.account_label, upstreamIdentity: row.account_identity },
  }));
}
