import { randomUUID } from 'node:crypto';
import { GatewayError, type ToolDefinition } from '@switchboard/composio-gateway';
import {
  composioUserIdFor,
  decide,
  type OrgId,
  type Principal,
  type Scope,
  selectAccount,
  type UserId,
} from '@switchboard/identity';
import { type Caller, loadCallerWithAccounts } from '../auth/authenticate.js';
import { toAppError } from '../error-mapping.js';
import { AppError } from '../errors.js';
import { SingleFlight } from '../limits/single-flight.js';
import { type AccountRecord, accountsOf, updateAccount } from '../repos/accounts.repo.js';
import type { ExecutionAttempt, Outcome } from '../repos/audit.repo.js';
import { publicScope } from '../repos/scope-columns.js';
import type { AppDeps } from '../trpc/context.js';
import { denial } from '../trpc/procedures.js';
import { assertValidArguments } from './argument-validator.js';
import { type Routed, routeForCaller, routesForCaller, wrongScopeFor } from './routing.js';

export interface ExecuteInput {
  tool: string;
  arguments: Record<string, unknown>;
  orgId?: OrgId | undefined;
  connectedAccountId?: string | undefined;
}

export interface ExecuteOutput {
  executionId: string;
  successful: boolean;
  data: Record<string, unknown>;
  error: string | null;
  connectedAccountId: string;
  scope: { kind: 'user' | 'org'; id: string };
}

async function toolDefinition(deps: AppDeps, slug: string): Promise<ToolDefinition> {
  try {
    return await deps.gateway.getTool(slug);
  } catch (error) {
    throw toAppError(error);
  }
}

/**
 * One tool execution (rules 3–5, 9, 10): route the toolkit, decide, rate-limit, pick the account,
 * run it with the account named explicitly, and audit the attempt whatever happened. Unknown
 * tools and arguments that fail the schema are bad input: refused before anything is written.
 */
export async function executeTool(
  deps: AppDeps,
  userId: UserId,
  input: ExecuteInput,
): Promise<ExecuteOutput> {
  const startedAt = deps.now();
  const started = performance.now();
  const tool = await toolDefinition(deps, input.tool);
  assertValidArguments(tool, input.arguments);
  // The caller's memberships and the toolkit's accounts of the scopes it may run in, in one read.
  const { caller: principal, accounts } = await loadCallerWithAccounts(deps, userId, {
    toolkit: tool.toolkit,
    orgId: input.orgId,
  });

  const executionId = randomUUID();
  let scope: Scope | undefined;
  let account: AccountRecord | undefined;
  const audit = (
    fields: Pick<ExecutionAttempt, 'decision' | 'denyReason' | 'outcome' | 'errorCode'>,
  ) =>
    scope
      ? deps.audit.record({
          executionId,
          actorUserId: principal.userId,
          scope,
          toolkit: tool.toolkit,
          tool: tool.slug,
          connectedAccountId: account?.id ?? null,
          durationMs: performance.now() - started,
          startedAt,
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

  let routed: Routed;
  try {
    routed = routeForCaller(principal, tool.toolkit, input.orgId);
  } catch (error) {
    // Not a member of the named organization: the attempt is recorded against that organization.
    if (input.orgId !== undefined && error instanceof AppError) {
      scope = { kind: 'org', orgId: input.orgId };
      return refuse(error);
    }
    throw error;
  }
  scope = routed.scope;

  const decision = decide(principal, 'tools.execute', {
    scope,
    toolkit: tool.toolkit,
    tool: tool.slug,
    policy: routed.policy,
  });
  if (!decision.allowed) return refuse(denial(decision));

  await enforceQuotas(deps, principal, input.orgId, refuse);

  const composioUserId = composioUserIdFor(scope);
  const candidates = accounts.filter((candidate) => candidate.composioUserId === composioUserId);
  const selection = selectAccount(candidates, {
    explicitId: input.connectedAccountId,
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
      const wrongScope = wrongScopeFor(principal, tool.toolkit);
      if (wrongScope) return refuse(wrongScope);
    }
    const accounts = (selection.candidates ?? []).map((candidate) => ({
      id: candidate.id,
      label: candidate.label,
      upstreamIdentity: candidate.upstreamIdentity,
      connectedAt: candidate.connectedAt.toISOString(),
    }));
    const details: Record<string, unknown> = { toolkit: tool.toolkit, scope: publicScope(scope) };
    if (selection.reason === 'AMBIGUOUS_ACCOUNT') details.candidates = accounts;
    if (selection.accountId) details.connectedAccountId = selection.accountId;
    return refuse(new AppError(selection.reason, selection.message, { details }));
  }
  account = selection.account;

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
    const mapped = await explainExecutionFailure(deps, account, error);
    const reason = mapped instanceof AppError ? mapped.reason : 'INTERNAL';
    await audit({
      decision: 'allowed',
      denyReason: null,
      outcome: 'error' satisfies Outcome,
      errorCode: reason,
    });
    throw mapped;
  }
}

/**
 * Composio refusing an account our map thinks usable means it went inactive upstream (expired,
 * revoked, disabled): record that and say ACCOUNT_INACTIVE rather than a generic failure.
 */
async function explainExecutionFailure(deps: AppDeps, account: AccountRecord, error: unknown) {
  const mapped = toAppError(error);
  if (!(error instanceof GatewayError)) return mapped;
  if (error.reason !== 'ACCOUNT_NOT_FOUND' && error.reason !== 'ACCOUNT_INACTIVE') return mapped;
  try {
    const upstream = await deps.gateway.getAccount(account.id);
    const status = upstream.disabled ? 'INACTIVE' : upstream.status;
    if (status !== 'ACTIVE') {
      await updateAccount(
        deps.db,
        account.id,
        { status, statusReason: upstream.statusReason },
        deps.now(),
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
      await updateAccount(
        deps.db,
        account.id,
        { status: 'REVOKED', statusReason: 'DELETED_UPSTREAM' },
        deps.now(),
      );
      return new AppError(
        'ACCOUNT_INACTIVE',
        `Connected account ${account.id} no longer exists at Composio`,
        {
          details: { connectedAccountId: account.id, status: 'REVOKED' },
          cause: error,
        },
      );
    }
  }
  return mapped;
}

async function enforceQuotas(
  deps: AppDeps,
  principal: Principal,
  orgId: OrgId | undefined,
  refuse: (error: AppError) => Promise<never>,
) {
  const { config, limiter } = deps;
  const minute = 60_000;
  const perUser = await limiter.hit(
    `user:${principal.userId}`,
    config.RATE_LIMIT_USER_PER_MINUTE,
    minute,
  );
  if (!perUser.allowed) {
    await refuse(
      new AppError(
        'RATE_LIMITED',
        `Too many tool executions for user ${principal.userId}; retry later`,
        {
          retryAfterSeconds: perUser.retryAfterSeconds,
          details: { limit: 'user' },
        },
      ),
    );
  }
  if (orgId !== undefined) {
    const perOrg = await limiter.hit(`org:${orgId}`, config.RATE_LIMIT_ORG_PER_MINUTE, minute);
    if (!perOrg.allowed) {
      await refuse(
        new AppError(
          'RATE_LIMITED',
          `Too many tool executions for organization ${orgId}; retry later`,
          {
            retryAfterSeconds: perOrg.retryAfterSeconds,
            details: { limit: 'org' },
          },
        ),
      );
    }
  }
}

export interface ListToolsInput {
  orgId?: OrgId | undefined;
  toolkits?: string[] | undefined;
  tools?: string[] | undefined;
  search?: string | undefined;
  limit?: number | undefined;
}

export interface ListedTool {
  slug: string;
  toolkit: string;
  name: string;
  description: string;
  inputParameters: Record<string, unknown>;
  scope: { kind: 'user' | 'org'; id: string };
  /** Whether this caller may run it in that scope (the console hides Run otherwise). */
  canExecute: boolean;
}

/** Tool lists being fetched from Composio, per cache: concurrent misses share one request. */
const fetchingToolLists = new WeakMap<object, SingleFlight<ToolDefinition[]>>();

async function cachedToolList(deps: AppDeps, query: Omit<ListToolsInput, 'orgId'>) {
  const key = JSON.stringify([
    query.toolkits ?? null,
    query.tools ?? null,
    query.search ?? null,
    query.limit ?? null,
  ]);
  const hit = await deps.toolListCache.get(key);
  if (hit) return hit;
  // When an entry expires under load, every request in flight misses it at once; without this
  // each of them would ask Composio for the same list.
  let fetching = fetchingToolLists.get(deps.toolListCache);
  if (!fetching) {
    fetching = new SingleFlight();
    fetchingToolLists.set(deps.toolListCache, fetching);
  }
  return fetching.run(key, () => fetchToolList(deps, key, query));
}

async function fetchToolList(
  deps: AppDeps,
  key: string,
  query: Omit<ListToolsInput, 'orgId'>,
): Promise<ToolDefinition[]> {
  try {
    const tools = await deps.gateway.listTools({
      ...(query.toolkits ? { toolkits: query.toolkits } : {}),
      ...(query.tools ? { tools: query.tools } : {}),
      ...(query.search ? { search: query.search } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
    await deps.toolListCache.set(key, tools);
    return tools;
  } catch (error) {
    throw toAppError(error);
  }
}

/**
 * Tools as the caller's policies route them: personal toolkits in the caller's scope, org
 * toolkits in the organization's, each tool marked with where it runs (rule 4).
 */
export async function listTools(
  deps: AppDeps,
  principal: Caller,
  input: ListToolsInput,
): Promise<ListedTool[]> {
  const tools = await cachedToolList(deps, input);
  const toolkits = [...new Set([...(input.toolkits ?? []), ...tools.map((tool) => tool.toolkit)])];
  const routes = routesForCaller(principal, toolkits, input.orgId);
  for (const [toolkit, routed] of routes) {
    const decision = decide(principal, 'tools.read', {
      scope: routed.scope,
      toolkit,
      policy: routed.policy,
    });
    if (!decision.allowed) throw denial(decision);
  }
  if (input.orgId === undefined && input.toolkits) {
    for (const toolkit of input.toolkits) {
      const personal = await accountsOf(deps.db, [principal.userId], toolkit);
      if (personal.length > 0) continue;
      const wrongScope = wrongScopeFor(principal, toolkit);
      if (wrongScope) throw wrongScope;
    }
  }
  return tools.flatMap((tool) => {
    const routed = routes.get(tool.toolkit);
    if (!routed) return [];
    const target = {
      scope: routed.scope,
      toolkit: tool.toolkit,
      tool: tool.slug,
      policy: routed.policy,
    };
    return [
      {
        slug: tool.slug,
        toolkit: tool.toolkit,
        name: tool.name,
        description: tool.description,
        inputParameters: tool.inputParameters,
        scope: publicScope(routed.scope),
        canExecute: decide(principal, 'tools.execute', target).allowed,
      },
    ];
  });
}
