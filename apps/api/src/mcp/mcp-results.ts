import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AppError, type Reason } from '../errors.js';
import type { ExecuteOutput } from '../modules/tools/execution.service.js';
import { toAppError } from '../platform/error-mapping.js';

/** A tool's answer: its data as structured content, and as text for models that read only text. */
export function executedResult(output: ExecuteOutput): CallToolResult {
  const structuredContent = output as unknown as Record<string, unknown>;
  if (output.successful) {
    return { content: [{ type: 'text', text: JSON.stringify(output.data) }], structuredContent };
  }
  return {
    isError: true,
    content: [
      { type: 'text', text: `The tool ran and failed: ${output.error ?? 'no reason given'}` },
    ],
    structuredContent,
  };
}

/** Plain data as a tool result (the meta-tools' answers). */
export function dataResult(text: string, data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: data };
}

type Details = Record<string, unknown>;

/** What a model can do about each refusal it may see, in a sentence it can act on. */
const NEXT_STEPS: Partial<Record<Reason, (details: Details) => string>> = {
  NO_CONNECTED_ACCOUNT: (d) =>
    `Connect ${d.toolkit ?? 'the toolkit'} first: call switchboard_connect with {"toolkit": "${d.toolkit ?? '…'}"} and show the user the consent link.`,
  AMBIGUOUS_ACCOUNT: (d) =>
    `Call the tool again with "account" set to one of: ${choices(d.candidates)}.`,
  ACCOUNT_INACTIVE: (d) =>
    `Ask the user to reconnect ${d.connectedAccountId ?? 'the account'} (switchboard_connect), or choose another account with "account" (switchboard_list_accounts lists them).`,
  WRONG_SCOPE: (d) =>
    d.scope && typeof d.scope === 'object' && (d.scope as { kind?: string }).kind === 'org'
      ? `Use the organization's MCP endpoint, /mcp/orgs/${(d.scope as { id?: string }).id}, to run it.`
      : "Use the MCP endpoint the toolkit's policy names (/mcp for personal toolkits).",
  TOOL_NOT_ALLOWED: () =>
    "The organization's policy does not allow this tool; choose another, or ask an admin to allow it.",
  ROLE_REQUIRED: (d) =>
    `Your role does not allow this here${Array.isArray(d.requiredRoles) ? ` (it needs ${d.requiredRoles.join(' or ')})` : ''}; ask an admin of the organization.`,
  NOT_FOUND: () =>
    'Nothing of that name is usable here; switchboard_list_accounts lists the accounts you may use.',
  RATE_LIMITED: (d) => `Retry after ${d.retryAfterSeconds ?? 60} seconds.`,
  COMPOSIO_RATE_LIMITED: (d) =>
    `Composio is rate limiting; retry after ${d.retryAfterSeconds ?? 30} seconds.`,
  COMPOSIO_UNAVAILABLE: () => 'Composio could not run it just now; retry in a little while.',
  COMPOSIO_TIMEOUT: () => 'Composio did not answer in time; retry in a little while.',
  COMPOSIO_UNAUTHORIZED: () => 'Switchboard could not sign in to Composio; tell an operator.',
  DATABASE_UNAVAILABLE: (d) =>
    `Switchboard is briefly unavailable; retry after ${d.retryAfterSeconds ?? 1} seconds.`,
  LABEL_TAKEN: () => 'Choose another label for the new account.',
  APPROVAL_REQUIRED: (d) =>
    `Nothing ran. Tell the user that an approver of the organization must approve request ${d.approvalId ?? '(see details)'} (in Switchboard's Approvals page) before ${d.expiresAt ?? 'it expires'}; the approved call then runs once by itself, so do not call the tool again. Its result is in approvals.get for the user.`,
  IDEMPOTENCY_KEY_REUSED: () =>
    'This idempotency key already belongs to a different call; send this call with a new key.',
  IDEMPOTENCY_KEY_IN_PROGRESS: (d) =>
    `The first call with this idempotency key is still running; retry with the same key after ${d.retryAfterSeconds ?? 1} seconds for its answer.`,
  EXECUTION_OUTCOME_UNKNOWN: () =>
    'Whether the first call with this idempotency key ran is unknown; check before running it again with a new key.',
};

function choices(candidates: unknown): string {
  if (!Array.isArray(candidates)) return 'the accounts switchboard_list_accounts lists';
  return candidates
    .map((c: { id?: string; label?: string | null; upstreamIdentity?: string | null }) =>
      [
        c.label ? `"${c.label}"` : null,
        c.id ? `"${c.id}"` : null,
        c.upstreamIdentity ? `(${c.upstreamIdentity})` : null,
      ]
        .filter(Boolean)
        .join(' '),
    )
    .join(', ');
}

/** Bad input: a JSON-RPC error, not a tool result (nothing ran, nothing was written). */
const BAD_INPUT: ReadonlySet<Reason> = new Set<Reason>([
  'TOOL_NOT_FOUND',
  'TOOLKIT_NOT_FOUND',
  'INVALID_ARGUMENTS',
  'INVALID_INPUT',
  'INVALID_USER_ID',
  'INVALID_ORG_ID',
  'INVALID_CALLBACK_URL',
]);

/**
 * A failed call as MCP answers it: refusals a model can act on are tool results with `isError`
 * whose text names the reason code and the next step; bad input is a JSON-RPC InvalidParams
 * error; anything unexpected an InternalError that shows no internals in production.
 */
export function failedCall(error: unknown, production: boolean): CallToolResult {
  const mapped = toAppError(error);
  if (
    !(mapped instanceof AppError) ||
    mapped.reason === 'INTERNAL' ||
    BAD_INPUT.has(mapped.reason)
  ) {
    throw jsonRpcError(error, production);
  }
  const details: Details = {
    ...mapped.details,
    ...(mapped.retryAfterSeconds !== undefined
      ? { retryAfterSeconds: mapped.retryAfterSeconds }
      : {}),
  };
  const next = NEXT_STEPS[mapped.reason]?.(details);
  // Identity's messages may already start with their reason.
  const message = mapped.message.startsWith(`${mapped.reason}: `)
    ? mapped.message.slice(mapped.reason.length + 2)
    : mapped.message;
  return {
    isError: true,
    content: [{ type: 'text', text: `${mapped.reason}: ${message}${next ? ` ${next}` : ''}` }],
    structuredContent: { reason: mapped.reason, message: mapped.message, details },
  };
}

/** Any failure as a JSON-RPC error: bad input is InvalidParams, the rest InternalError. */
export function jsonRpcError(error: unknown, production: boolean): McpError {
  if (error instanceof McpError) return error;
  const mapped = toAppError(error);
  if (!(mapped instanceof AppError) || mapped.reason === 'INTERNAL') {
    return new McpError(
      ErrorCode.InternalError,
      production || !(error instanceof Error) ? 'Internal error' : error.message,
    );
  }
  const code = BAD_INPUT.has(mapped.reason) ? ErrorCode.InvalidParams : ErrorCode.InternalError;
  return new McpError(code, mapped.message, {
    reason: mapped.reason,
    ...(mapped.details ? { details: mapped.details } : {}),
    ...(mapped.retryAfterSeconds !== undefined
      ? { retryAfterSeconds: mapped.retryAfterSeconds }
      : {}),
  });
}

export function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message, { reason: 'INVALID_ARGUMENTS' });
}
