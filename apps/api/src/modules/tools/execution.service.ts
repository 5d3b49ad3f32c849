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
import type { Channel, ExecutionAttempt } from '../audit/audit.repo.js';
import { changeAccountStatus } from '../connections/account-status.js';
import type { AccountRecord } from '../connections/accounts.repo.js';
import { publicScope } from '../scope-columns.js';

export interface ExecuteInput {
  tool: string;
  arguments: Record<string, unknown>;
  orgId?: OrgId | undefined;
  /** The account to run with, by id (rule 5: it must be the resolved scope's). */
  connectedAccountId?: string | undefined;
  /** The account to run with, by id or by label (what an agent over MCP names). */
  account?: string | undefined;
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
 * One tool execution, the same for every transport (rules 3–5, 9, 10): route the toolkit, decide,
 * rate-limit, pick the account, run it with the account named explicitly, and audit the attempt
 * whatever happened. `userId` comes from a verified token; the caller's memberships and accounts
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
  const audit = (
    fields: Pick<ExecutionAttempt, 'decision' | 'denyReason' | 'outcome' | 'errorCode'>,
  ) =>
    scope
      ? deps.audit.record({
          executionId,
          actorUserId: caller.userId,
          scope,
          toolkit: tool.toolkit,
          tool: tool.slug,
          connectedAccountId: account?.id ?? null,
          durationMs: performance.now() - started,
          startedAt,
          channel: options.channel,
          approvalId: approvalId ?? null,
          ...fields,
        })
      : Promise.resolve();
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

  try {
    const result = await deps.gateway.execute({
      tool: tool.slug,
      composioUserId: account.composioUserId,
      connectedAccountId: account.id,
      arguments: input.arguments,
    });
    await audit({ decision: 'allowed', denyReason: null, outcome: 'success', errorCode: null });
    return {
      executionId,
      successful: true,
      data: result.data,
      error: null,
      connectedAccountId: account.id,
      scope: publicScope(scope),
    };
  } catch (error) {
    if (error instanceof GatewayError && error.reason === 'TOOL_FAILED') {
      await audit({
        decision: 'allowed',
        denyReason: null,
        outcome: 'tool_error',
        errorCode: 'TOOL_FAILED',
      });
      const details = error.details ?? {};
      return {
        executionId,
        successful: false,
        data: (details.data as Record<string, unknown> | undefined) ?? {},
        error: typeof details.error === 'string' ? details.error : error.message,
        connectedAccountId: account.id,
        scope: publicScope(scope),
      };
    }
    const explained = await explainExecutionFailure(deps, account, error);
    await audit({
      decision: 'allowed',
      denyReason: null,
      outcome: 'error',
      errorCode: reasonOf(explained),
    });
    throw explained;
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
