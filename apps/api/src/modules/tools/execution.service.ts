import { randomUUID } from 'node:crypto';
import { GatewayError, type ToolDefinition } from '@switchboard/composio-gateway';
import {
  composioUserIdFor,
  decide,
  needsApproval,
  type OrgId,
  orgScope,
  type Scope,
  selectAccount,
  type UserId,
} from '@switchboard/identity';
import { type Acting, actingAs, type Routed, routeIn, wrongScopeFor } from '../../access/acting.js';
import { denial } from '../../access/authorize.js';
import { type Caller, loadCallerWithAccounts } from '../../auth/authenticate.js';
import { AppError } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { toAppError } from '../../platform/error-mapping.js';
import { holdForApproval } from '../approvals/hold.js';
import type { Channel, ExecutionAttempt, FinalOutcome } from '../audit/audit.repo.js';
import type { PendingAttempt } from '../audit/audit-writer.js';
import { changeAccountStatus } from '../connections/account-status.js';
import type { AccountRecord } from '../connections/accounts.repo.js';
import { publicScope } from '../scope-columns.js';
import { settleWindowMs } from './execution-sweeper.js';
import { KEY_REFUSALS, replay, type StoredResponse, storedError } from './idempotency.js';

export interface ExecuteInput {
  tool: string;
  arguments: Record<string, unknown>;
  orgId?: OrgId | undefined;
  /** The account to run with, by id (rule 5: it must be the resolved scope's). */
  connectedAccountId?: string | undefined;
  /** The account to run with, by id or by label (what an agent over MCP names). */
  account?: string | undefined;
  /**
   * The caller's key for this request: a repeat (same caller, key and request) within the key's
   * lifetime is answered with the first execution's outcome, without calling Composio again.
   */
  idempotencyKey?: string | undefined;
}

export interface ExecuteOptions {
  /** The transport the call came over, as the audit row records it. */
  channel: Channel;
  /**
   * Runs a call an approver approved (`approvals.approve`): the approval gate is passed, and the
   * audit row names the approval. Everything else is checked again as for any call.
   */
  approvalId?: string | undefined;
}

export interface ExecuteOutput {
  executionId: string;
  successful: boolean;
  data: Record<string, unknown>;
  error: string | null;
  connectedAccountId: string;
  scope: { kind: 'user' | 'org'; id: string };
}

/** Whether `caller` may run `tool` where `routed` puts it: what `executeTool` would decide. */
export function mayExecute(caller: Caller, routed: Routed, tool: ToolDefinition): boolean {
  return decide(caller, 'tools.execute', {
    scope: routed.scope,
    toolkit: tool.toolkit,
    tool: tool.slug,
    policy: routed.policy,
  }).allowed;
}

/**
 * One tool execution, the same for every transport (rules 3–5, 9–11): route the toolkit, decide,
 * rate-limit, pick the account, claim the idempotency key if one is given, run it with the
 * account named explicitly, and audit the attempt whatever happened. A refusal is one final
 * audit row; a call that reaches Composio is written ahead as `pending` (no row, no call) and
 * settled after. `userId` comes from a verified token; the caller's memberships and accounts
 * are read here, in one statement, once the toolkit is known. Unknown tools and arguments that
 * fail the schema are bad input: refused before anything is written.
 */
export async function executeTool(
  deps: AppDeps,
  userId: UserId,
  input: ExecuteInput,
  options: ExecuteOptions = { channel: 'trpc' },
): Promise<ExecuteOutput> {
  const startedAt = deps.now();
  const started = performance.now();
  const tool = await deps.gateway.getTool(input.tool);
  deps.argumentValidators.check(tool, input.arguments);
  const { caller, accounts } = await loadCallerWithAccounts(deps, userId, {
    toolkit: tool.toolkit,
    orgId: input.orgId,
  });

  const executionId = randomUUID();
  let scope: Scope | undefined;
  let account: AccountRecord | undefined;
  let approvalId = options.approvalId;
  const attemptOf = (resolved: Scope) => ({
    executionId,
    actorUserId: caller.userId,
    scope: resolved,
    toolkit: tool.toolkit,
    tool: tool.slug,
    connectedAccountId: account?.id ?? null,
    durationMs: performance.now() - started,
    startedAt,
    channel: options.channel,
    approvalId: approvalId ?? null,
  });
  const audit = (
    fields: Pick<ExecutionAttempt, 'decision' | 'denyReason' | 'outcome' | 'errorCode'>,
  ) => (scope ? deps.audit.record({ ...attemptOf(scope), ...fields }) : Promise.resolve());
  const refuse = async (error: AppError): Promise<never> => {
    await audit({
      decision: 'denied',
      denyReason: error.reason,
      outcome: 'denied',
      errorCode: error.reason,
    });
    throw error;
  };

  let acting: Acting;
  try {
    acting = actingAs(caller, input.orgId);
  } catch (error) {
    // Not a member of the named organization: the attempt is recorded against that organization.
    if (input.orgId !== undefined && error instanceof AppError) {
      scope = orgScope(input.orgId);
      return refuse(error);
    }
    throw error;
  }
  const routed = routeIn(acting, tool.toolkit);
  scope = routed.scope;

  const decision = decide(caller, 'tools.execute', {
    scope,
    toolkit: tool.toolkit,
    tool: tool.slug,
    policy: routed.policy,
  });
  if (!decision.allowed) return refuse(denial(decision));

  try {
    await enforceQuotas(deps, caller.userId, input.orgId);
  } catch (error) {
    if (error instanceof AppError && error.reason === 'RATE_LIMITED') return refuse(error);
    // The attempt is recorded even when the quota could not be checked.
    await audit({
      decision: 'allowed',
      denyReason: null,
      outcome: 'error',
      errorCode: reasonOf(error),
    });
    throw error;
  }

  const composioUserId = composioUserIdFor(scope);
  const candidates = accounts.filter((candidate) => candidate.composioUserId === composioUserId);
  const selection = selectAccount(candidates, {
    explicitId: input.connectedAccountId ?? chosenAccount(candidates, input.account),
    pinnedDefaultId: candidates.find((candidate) => candidate.isDefault)?.id ?? null,
    requireExplicitSelection: routed.policy?.requireExplicitSelection ?? false,
    toolkit: tool.toolkit,
  });
  if (!selection.ok) {
    if (selection.reason === 'ACCOUNT_NOT_FOUND') {
      return refuse(new AppError('NOT_FOUND', 'Connected account was not found in this scope'));
    }
    if (
      selection.reason === 'NO_CONNECTED_ACCOUNT' &&
      scope.kind === 'user' &&
      input.orgId === undefined
    ) {
      const wrongScope = wrongScopeFor(caller, tool.toolkit);
      if (wrongScope) return refuse(wrongScope);
    }
    const choices = (selection.candidates ?? []).map((candidate) => ({
      id: candidate.id,
      label: candidate.label,
      upstreamIdentity: candidate.upstreamIdentity,
      connectedAt: candidate.connectedAt.toISOString(),
    }));
    const details: Record<string, unknown> = { toolkit: tool.toolkit, scope: publicScope(scope) };
    if (selection.reason === 'AMBIGUOUS_ACCOUNT') details.candidates = choices;
    if (selection.accountId) details.connectedAccountId = selection.accountId;
    return refuse(new AppError(selection.reason, selection.message, { details }));
  }
  account = selection.account;

  // A tool the policy holds, on the organization's account, by a role that may not approve it:
  // it waits for an approver instead of running (approvals/).
  if (
    approvalId === undefined &&
    scope.kind === 'org' &&
    needsApproval(caller, { scope, tool: tool.slug, policy: routed.policy })
  ) {
    const held = await holdForApproval(deps, {
      executionId,
      requestedBy: caller.userId,
      orgId: scope.orgId,
      toolkit: tool.toolkit,
      tool: tool.slug,
      connectedAccountId: account.id,
      arguments: input.arguments,
      channel: options.channel,
    });
    approvalId = held.approvalId;
    return refuse(held.refusal);
  }

  // Write-ahead (rule 9): the attempt is on record before Composio is called, or it is not made.
  // Under a key, the row is written only if the key is claimed, in the same statement; a repeat
  // gets the first attempt's answer (that attempt's, already audited), and a key that cannot be
  // claimed is a refusal, audited as one.
  const resolved = scope;
  const pendingRow = () => ({
    ...attemptOf(resolved),
    decision: 'allowed' as const,
    denyReason: null,
  });
  // Taken when the row is written: a repeat may have waited on its key before it could claim it.
  const settleBy = () => new Date(deps.now().getTime() + settleWindowMs(deps.config));
  let pending: PendingAttempt;
  const keyed = input.idempotencyKey;
  try {
    if (keyed === undefined) {
      pending = await deps.audit.begin(pendingRow(), settleBy());
    } else {
      const claim = await deps.idempotency.claim(
        caller.userId,
        keyed,
        {
          tool: tool.slug,
          orgId: input.orgId ?? null,
          connectedAccountId: input.connectedAccountId ?? null,
          account: input.account ?? null,
          arguments: input.arguments,
        },
        executionId,
        (key) => deps.audit.beginClaiming(pendingRow(), settleBy(), key),
      );
      if (!claim.won) return replay(claim.response);
      pending = claim.begun;
    }
  } catch (error) {
    if (error instanceof AppError && KEY_REFUSALS.has(error.reason)) return refuse(error);
    throw toAppError(error);
  }
  const settle = (outcome: FinalOutcome, errorCode: string | null, answer: StoredAnswer) =>
    settleAttempt(deps, pending, { outcome, errorCode, answer });

  try {
    const result = await deps.gateway.execute({
      tool: tool.slug,
      composioUserId: account.composioUserId,
      connectedAccountId: account.id,
      arguments: input.arguments,
    });
    const output: ExecuteOutput = {
      executionId,
      successful: true,
      data: result.data,
      error: null,
      connectedAccountId: account.id,
      scope: publicScope(scope),
    };
    await settle('success', null, { output });
    return output;
  } catch (error) {
    if (error instanceof GatewayError && error.reason === 'TOOL_FAILED') {
      const details = error.details ?? {};
      const output: ExecuteOutput = {
        executionId,
        successful: false,
        data: (details.data as Record<string, unknown> | undefined) ?? {},
        error: typeof details.error === 'string' ? details.error : error.message,
        connectedAccountId: account.id,
        scope: publicScope(scope),
      };
      await settle('tool_error', 'TOOL_FAILED', { output });
      return output;
    }
    const explained = toAppError(await explainExecutionFailure(deps, account, error));
    await settle('error', reasonOf(explained), storedError(explained));
    throw explained;
  }
}

type StoredAnswer = StoredResponse<ExecuteOutput>;

/**
 * Completes the written-ahead row and keeps the answer under its key, in one statement. Composio
 * has already run the call, so a failure here does not fail the request: the row stays pending
 * for the sweeper (`unknown`) and a repeat of the key is told the outcome is unknown, rather
 * than run twice.
 */
async function settleAttempt(
  deps: AppDeps,
  pending: PendingAttempt,
  ended: { outcome: FinalOutcome; errorCode: string | null; answer: StoredAnswer },
): Promise<void> {
  const executionId = pending.attempt.executionId;
  try {
    const settled = await deps.audit.settle(pending, ended.outcome, ended.errorCode, ended.answer);
    if (!settled) {
      deps.logger.warn({ executionId }, 'audit row was swept as unknown before it was settled');
    }
  } catch (error) {
    deps.logger.warn(
      { err: error, executionId },
      'could not record how an execution ended; the sweeper will mark it unknown',
    );
  }
}

/** The id of the account named by id or by label; an unknown name is kept, to be NOT_FOUND. */
function chosenAccount(
  candidates: readonly AccountRecord[],
  choice: string | undefined,
): string | undefined {
  if (choice === undefined) return undefined;
  const byId = candidates.find((candidate) => candidate.id === choice);
  if (byId) return byId.id;
  return candidates.find((candidate) => candidate.label === choice)?.id ?? choice;
}

/** The reason the caller will be answered with, as the audit row records it. */
function reasonOf(error: unknown): string {
  const mapped = toAppError(error);
  return mapped instanceof AppError ? mapped.reason : 'INTERNAL';
}

/**
 * Composio refusing an account our map thinks usable means it went inactive upstream (expired,
 * revoked, disabled): record that and say ACCOUNT_INACTIVE rather than a generic failure.
 */
async function explainExecutionFailure(
  deps: AppDeps,
  account: AccountRecord,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof GatewayError)) return error;
  if (error.reason !== 'ACCOUNT_NOT_FOUND' && error.reason !== 'ACCOUNT_INACTIVE') return error;
  try {
    const upstream = await deps.gateway.getAccount(account.id);
    const status = upstream.disabled ? 'INACTIVE' : upstream.status;
    if (status !== 'ACTIVE') {
      await changeAccountStatus(
        deps,
        account,
        { status, statusReason: upstream.statusReason },
        { kind: 'composio' },
      );
      return new AppError(
        'ACCOUNT_INACTIVE',
        `Connected account ${account.id} is ${status}; reconnect it`,
        {
          details: { connectedAccountId: account.id, status, statusReason: upstream.statusReason },
          cause: error,
        },
      );
    }
  } catch (lookupError) {
    if (lookupError instanceof GatewayError && lookupError.reason === 'ACCOUNT_NOT_FOUND') {
      await changeAccountStatus(
        deps,
        account,
        { status: 'REVOKED', statusReason: 'DELETED_UPSTREAM' },
        { kind: 'composio' },
      );
      return new AppError(
        'ACCOUNT_INACTIVE',
        `Connected account ${account.id} no longer exists at Composio`,
        { details: { connectedAccountId: account.id, status: 'REVOKED' }, cause: error },
      );
    }
  }
  return error;
}

/** Rule 10: one execution counted against the user's quota and, acting in one, the org's. */
async function enforceQuotas(deps: AppDeps, userId: UserId, orgId: OrgId | undefined) {
  const perUser = await deps.quotas.take('user', userId);
  if (!perUser.allowed) {
    throw new AppError('RATE_LIMITED', `Too many tool executions for user ${userId}; retry later`, {
      retryAfterSeconds: perUser.retryAfterSeconds,
      details: { limit: 'user' },
    });
  }
  if (orgId === undefined) return;
  const perOrg = await deps.quotas.take('org', orgId);
  if (!perOrg.allowed) {
    throw new AppError(
      'RATE_LIMITED',
      `Too many tool executions for organization ${orgId}; retry later`,
      { retryAfterSeconds: perOrg.retryAfterSeconds, details: { limit: 'org' } },
    );
  }
}
