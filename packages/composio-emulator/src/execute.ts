import type { ToolExecuteParams, ToolExecuteResponse } from '@composio/client/resources';
import { findTool, validateArguments } from './catalog/index.js';
import type { ToolContext } from './catalog/tool.js';
import { EmulatorError } from './errors.js';
import { newId } from './state/ids.js';
import type { EmulatorState } from './state/store.js';
import type { AccountRecord } from './state/types.js';

export interface ExecuteOptions {
  /**
   * The code of the error for a `connected_account_id` that belongs to another user: 1803 (the
   * default; `@composio/core` maps it to `ComposioConnectedAccountNotFoundError`) or 1812, what
   * the live service answers (`ActionExecute_ConnectedAccountEntityIdMismatch`, not mapped).
   */
  foreignAccountErrorCode: 1803 | 1812;
}

/**
 * `POST /tools/execute/{slug}`: finds the tool, validates the arguments, resolves the account
 * (the explicit one, which must belong to `user_id`; else the user's most recently connected
 * ACTIVE account for the tool's toolkit), and runs the tool against that account's data.
 */
export function executeTool(
  state: EmulatorState,
  options: ExecuteOptions,
  slug: string,
  body: ToolExecuteParams,
): ToolExecuteResponse {
  const tool = findTool(slug);
  if (!tool) throw new EmulatorError('TOOL_NOT_FOUND', `Tool ${slug} not found`);
  const args = { ...(body.arguments ?? {}) };
  const problems = validateArguments(tool, args);
  if (problems.length > 0) {
    throw new EmulatorError(
      'INVALID_ARGUMENTS',
      `Invalid arguments for ${tool.slug}: ${problems.join('; ')}`,
      { errors: problems, suggestedFix: 'Check the arguments against the tool input_parameters.' },
    );
  }
  const account = resolveAccount(state, options, tool.toolkit, body);
  const identity = account.identity ?? account.userId;
  const now = state.now();
  const logId = newId('log');
  const ctx: ToolContext = {
    account,
    identity,
    now,
    record: (kind, summary) =>
      state.recordWrite({
        kind,
        tool: tool.slug,
        accountId: account.id,
        userId: account.userId,
        toolkit: account.toolkit,
        identity,
        at: new Date(now).toISOString(),
        summary,
      }),
  };
  const outcome = tool.run(ctx, args);
  state.recordExecution({
    logId,
    tool: tool.slug,
    toolkit: tool.toolkit,
    accountId: account.id,
    userId: account.userId,
    successful: outcome.ok,
    error: outcome.ok ? null : outcome.error,
    at: new Date(now).toISOString(),
  });
  return outcome.ok
    ? { data: outcome.data, error: null, successful: true, log_id: logId }
    : { data: {}, error: outcome.error, successful: false, log_id: logId };
}

function resolveAccount(
  state: EmulatorState,
  options: ExecuteOptions,
  toolkit: string,
  body: ToolExecuteParams,
): AccountRecord {
  const userId = body.user_id ?? body.entity_id;
  const accountId = body.connected_account_id;
  if (accountId) {
    const account = state.findAccount(accountId);
    if (!account) {
      throw new EmulatorError(
        'NO_CONNECTED_ACCOUNT',
        `No connected account found with id ${accountId}`,
      );
    }
    if (userId !== undefined && account.userId !== userId) {
      if (options.foreignAccountErrorCode === 1812) {
        throw new EmulatorError(
          'ACCOUNT_ENTITY_MISMATCH',
          'Connected account user ID does not match the provided user ID.',
          { suggestedFix: 'The connected_account_id you provided belongs to a different entity.' },
        );
      }
      // Same words as for an unknown id: the caller learns nothing about other users' accounts.
      throw new EmulatorError(
        'ACCOUNT_NOT_FOR_USER',
        `No connected account found with id ${accountId}`,
      );
    }
    if (account.toolkit !== toolkit) {
      throw new EmulatorError(
        'ACCOUNT_TOOLKIT_MISMATCH',
        `Connected account ${account.id} is for toolkit '${account.toolkit}', not '${toolkit}'`,
      );
    }
    if (account.status !== 'ACTIVE' || account.isDisabled) {
      const reason = account.statusReason ? ` (${account.statusReason})` : '';
      throw new EmulatorError(
        'ACCOUNT_NOT_ACTIVE',
        `Connected account ${account.id} is ${account.isDisabled ? 'disabled' : account.status}${reason}`,
        { suggestedFix: 'Re-authorize or enable the connected account.' },
      );
    }
    return account;
  }
  if (userId === undefined || userId === '') {
    throw new EmulatorError('MISSING_USER', 'Either user_id or connected_account_id is required');
  }
  const account = state.mostRecentActive(userId, toolkit);
  if (!account) {
    throw new EmulatorError(
      'NO_CONNECTED_ACCOUNT',
      `No connected account found for user_id '${userId}' and toolkit '${toolkit}'`,
      { suggestedFix: `Connect a ${toolkit} account for this user first.` },
    );
  }
  return account;
}
