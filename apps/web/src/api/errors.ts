import { lowestRole } from '@switchboard/identity';
import { accountName, formatDate, toolkitLabel } from '../lib/format.ts';
import { humanizeCode, statusWords } from '../lib/status.ts';
import type { ConnectionStatus, Reason, Role } from './types.ts';

/** An account the API lists when it cannot choose one by itself (AMBIGUOUS_ACCOUNT). */
export interface CandidateAccount {
  id: string;
  label: string | null;
  upstreamIdentity: string | null;
  connectedAt: string;
}

/** What the console needs from any failed call, whatever threw it. */
export interface ApiFailure {
  /** The API's stable reason (`error.data.reason`); null when the API never answered. */
  reason: Reason | null;
  /**
   * The server's (or the browser's) message, without a leading `REASON: ` prefix. Written for API
   * callers, so it is never shown on the page; `explainFailure` says it in console words.
   */
  message: string;
  httpStatus: number | null;
  details: Record<string, unknown>;
  /** Input problems the API reported field by field. */
  issues: Array<{ path: string; message: string }>;
  requestId: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a failure from a tRPC client error (or anything else thrown). Duck-typed on the error
 * formatter's shape (`data.reason`, `data.details`), so it needs no runtime import of the API.
 */
export function toFailure(error: unknown): ApiFailure {
  const data = isRecord(error) && isRecord(error.data) ? error.data : undefined;
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const reason = typeof data?.reason === 'string' ? (data.reason as Reason) : null;
  const message = raw.replace(/^[A-Z][A-Z_]+:\s*/, '');
  const issues = Array.isArray(data?.issues)
    ? data.issues.filter(isRecord).map((issue) => ({
        path: String(issue.path ?? ''),
        message: String(issue.message ?? ''),
      }))
    : [];
  return {
    reason,
    message,
    httpStatus: typeof data?.httpStatus === 'number' ? data.httpStatus : null,
    details: isRecord(data?.details) ? data.details : {},
    issues,
    requestId: typeof data?.requestId === 'string' ? data.requestId : null,
  };
}

/** The scope named in a failure's details, when there is one. */
export function failureScope(failure: ApiFailure): { kind: 'user' | 'org'; id: string } | null {
  const scope = failure.details.scope;
  if (!isRecord(scope)) return null;
  if ((scope.kind === 'user' || scope.kind === 'org') && typeof scope.id === 'string') {
    return { kind: scope.kind, id: scope.id };
  }
  return null;
}

export function failureToolkit(failure: ApiFailure): string | null {
  return typeof failure.details.toolkit === 'string' ? failure.details.toolkit : null;
}

/** The accounts to choose from, for AMBIGUOUS_ACCOUNT. */
export function failureCandidates(failure: ApiFailure): CandidateAccount[] {
  const candidates = failure.details.candidates;
  if (!Array.isArray(candidates)) return [];
  return candidates.filter(isRecord).flatMap((c) =>
    typeof c.id === 'string'
      ? [
          {
            id: c.id,
            label: typeof c.label === 'string' ? c.label : null,
            upstreamIdentity: typeof c.upstreamIdentity === 'string' ? c.upstreamIdentity : null,
            connectedAt: typeof c.connectedAt === 'string' ? c.connectedAt : '',
          },
        ]
      : [],
  );
}

/** What the page knows that a failure may not say: names, the acting organization, the API's URL. */
export interface ExplainContext {
  /** Turns an organization id into its name. */
  orgName?: (orgId: string) => string | undefined;
  /** The organization the page acts in, with the caller's role there. */
  actingOrg?: { id: string; name: string; role: Role } | null;
  /** The toolkit the page is about, for failures that do not name one. */
  toolkit?: string | undefined;
  /** Where the console calls Switchboard, for "cannot reach". */
  apiUrl?: string;
  /** Accounts the page has listed, to name one a failure gives only the id of. */
  accounts?: ReadonlyArray<{
    id: string;
    label: string | null;
    upstreamIdentity: string | null;
    status: ConnectionStatus;
    statusReason: string | null;
  }>;
}

/**
 * How a failure is shown: `error` (red, something broke or was refused), `warning` (the person
 * can fix it: connect, choose, reconnect) or `guidance` (the normal routing of Switchboard, said
 * as directions rather than as a failure).
 */
export type Tone = 'error' | 'warning' | 'guidance';

export interface Explanation {
  title: string;
  message: string;
  tone: Tone;
}

const toolkitName = (slug: string | null | undefined) =>
  slug ? toolkitLabel(slug) : 'This toolkit';

function orgWords(id: string, ctx: ExplainContext): string {
  return ctx.orgName?.(id) ?? id;
}

function scopeWords(failure: ApiFailure, ctx: ExplainContext): string {
  const scope = failureScope(failure);
  if (!scope) return 'this scope';
  if (scope.kind === 'user') return 'your personal accounts';
  return `${orgWords(scope.id, ctx)}'s accounts`;
}

/** `['Acme', 'Globex', 'Initech']` → `Acme, Globex and Initech`. */
function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The least role of a closed-upward list, as people say it: "member or above", "an owner". */
function roleNeeded(roles: readonly Role[]): string | null {
  const lowest = lowestRole(roles);
  if (lowest === null) return null;
  return lowest === 'owner' ? 'an owner' : `${lowest} or above`;
}

function isRole(value: unknown): value is Role {
  return value === 'owner' || value === 'admin' || value === 'member' || value === 'viewer';
}

/**
 * A JSON Schema validator's words for one field, in console words where they are known
 * (`must have required property 'channel'` → `is required`).
 */
function argumentIssueWords(message: string): string {
  if (/^must have required property /.test(message)) return 'is required';
  const type = /^must be (string|number|integer|boolean|array|object)$/.exec(message)?.[1];
  if (type) {
    const words: Record<string, string> = {
      string: 'must be text',
      number: 'must be a number',
      integer: 'must be a whole number',
      boolean: 'must be true or false',
      array: 'must be a list',
      object: 'must be an object',
    };
    return words[type] ?? message;
  }
  if (/^must NOT have fewer than 1 characters$/.test(message)) return 'must not be empty';
  if (/^must NOT have additional properties$/.test(message))
    return 'has a field this tool does not take';
  return message.replace(/\bNOT\b/g, 'not');
}

function argumentIssues(failure: ApiFailure): string[] {
  const issues = failure.details.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(isRecord).map((issue) => {
    const path = typeof issue.path === 'string' && issue.path ? issue.path : 'The arguments';
    const words = argumentIssueWords(typeof issue.message === 'string' ? issue.message : '');
    return `${path} ${words}`.trim();
  });
}

/** Every status, so a status in a failure's details can be told from anything else. */
const KNOWN_STATUSES: Record<ConnectionStatus, true> = {
  INITIALIZING: true,
  INITIATED: true,
  ACTIVE: true,
  FAILED: true,
  EXPIRED: true,
  INACTIVE: true,
  REVOKED: true,
};

/**
 * "Work (bob@work.example) — revoked: the account was deleted at the provider." from
 * ACCOUNT_INACTIVE's details, completed from the accounts the page listed: the refusal of a
 * pinned default names only the account's id.
 */
function accountStatusSentence(failure: ApiFailure, ctx: ExplainContext): string {
  const id = failure.details.connectedAccountId;
  const listed = typeof id === 'string' ? ctx.accounts?.find((a) => a.id === id) : undefined;
  const status =
    typeof failure.details.status === 'string' ? failure.details.status : listed?.status;
  const reason =
    typeof failure.details.statusReason === 'string'
      ? failure.details.statusReason
      : (listed?.statusReason ?? null);
  const known = typeof status === 'string' && Object.hasOwn(KNOWN_STATUSES, status);
  const state = known ? statusWords(status as ConnectionStatus, reason) : null;
  if (listed) {
    const name = accountName(listed);
    return state
      ? `${name} — ${state.charAt(0).toLowerCase()}${state.slice(1)}.`
      : `${name} is not active.`;
  }
  return state ? `${state}.` : 'The account is not active.';
}

type Explainer = (
  failure: ApiFailure,
  ctx: ExplainContext,
) => Omit<Explanation, 'tone'> & {
  tone?: Tone;
};

interface ReasonWords {
  /** A few words for a log line ("Denied: role not allowed"), with no context to lean on. */
  summary: string;
  explain: Explainer;
}

/**
 * One entry per reason the API can send. Typed against the router, so a reason added to the API
 * without words here fails the typecheck. No entry repeats the server's message: it is written
 * for API callers ("pass connectedAccountId", "by passing orgId"), not for the console's readers.
 */
const REASONS: Record<Reason, ReasonWords> = {
  UNAUTHENTICATED: {
    summary: 'not signed in',
    explain: () => ({ title: 'Sign in required', message: 'Sign in to continue.' }),
  },
  TOKEN_EXPIRED: {
    summary: 'session expired',
    explain: () => ({
      title: 'Session expired',
      message: 'Your session has expired. Sign in again.',
    }),
  },
  INVALID_TOKEN: {
    summary: 'token not accepted',
    explain: () => ({
      title: 'Token not accepted',
      message: 'The API did not accept this token. Sign in again or paste another token.',
    }),
  },
  INVALID_INPUT: {
    summary: 'input not accepted',
    explain: (f) => ({
      title: 'Check the input',
      message:
        f.issues.length > 0
          ? f.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
          : 'Some of the input was not accepted.',
    }),
  },
  INVALID_USER_ID: {
    summary: 'invalid user id',
    explain: () => ({
      title: 'Invalid user id',
      message:
        'User ids are 1–128 letters, digits or . _ : -, and may not start with org_, be "default" or look like an e-mail address.',
    }),
  },
  INVALID_ORG_ID: {
    summary: 'invalid organization id',
    explain: () => ({
      title: 'Invalid organization id',
      message:
        'Organization ids are 1–63 letters, digits, _ or -, starting with a letter or digit.',
    }),
  },
  INVALID_ARGUMENTS: {
    summary: 'arguments rejected',
    explain: (f) => {
      const issues = argumentIssues(f);
      return {
        title: 'Arguments rejected',
        message:
          issues.length > 0
            ? `The tool does not accept these arguments: ${issues.join('; ')}.`
            : 'The tool does not accept these arguments. Check them against its fields.',
      };
    },
  },
  INVALID_CALLBACK_URL: {
    summary: 'return address not allowed',
    explain: () => ({
      title: 'Return address not allowed',
      message: 'The address to come back to after connecting must be on this console’s own site.',
    }),
  },
  INVALID_WEBHOOK_URL: {
    summary: 'receiver address not allowed',
    explain: () => ({
      title: 'Receiver address not allowed',
      message:
        'Events are delivered only to a public web address (https in production), with no user name or password in it.',
    }),
  },
  INVALID_SIGNATURE: {
    summary: 'signature not accepted',
    explain: () => ({
      title: 'Signature not accepted',
      message: 'The request was not signed with the expected secret.',
    }),
  },
  NOT_FOUND: {
    summary: 'not found',
    explain: () => ({
      title: 'Not found',
      message: 'It does not exist, or you do not have access to it.',
    }),
  },
  TOOL_NOT_FOUND: {
    summary: 'unknown tool',
    explain: () => ({
      title: 'Unknown tool',
      message: 'This tool is not in Composio’s catalog; it may have been renamed or removed.',
    }),
  },
  TOOLKIT_NOT_FOUND: {
    summary: 'unknown toolkit',
    explain: () => ({
      title: 'Unknown toolkit',
      message: 'This toolkit is not in Composio’s catalog.',
    }),
  },
  ROLE_REQUIRED: {
    summary: 'role not allowed',
    explain: (f, ctx) => {
      const required = Array.isArray(f.details.requiredRoles)
        ? f.details.requiredRoles.filter(isRole)
        : null;
      const needed = required ? roleNeeded(required) : null;
      const org = ctx.actingOrg;
      if (required && !needed) {
        return {
          title: 'Not allowed for your role',
          message: `${org?.name ?? 'The organization'}’s policy lets no role do this. Ask an owner or admin to change it.`,
        };
      }
      const you = org
        ? `You are ${org.role} in ${org.name}`
        : 'Your role in this organization does not allow this';
      return {
        title: 'Not allowed for your role',
        message: needed
          ? `${you}; it needs ${needed}. Ask an owner or admin.`
          : `${org ? `${you}, and that role does not allow this` : you}. Ask an owner or admin.`,
      };
    },
  },
  TOOL_NOT_ALLOWED: {
    summary: 'tool not allowed by the policy',
    explain: (_f, ctx) => ({
      title: 'Tool not allowed',
      message: `${ctx.actingOrg ? `${ctx.actingOrg.name}’s` : 'The organization’s'} policy does not allow this tool. An owner or admin can change the policy on the Organization page.`,
    }),
  },
  NOT_APPLICABLE: {
    summary: 'not applicable',
    explain: () => ({
      title: 'Only for an organization',
      message: 'This applies to an organization only: pick one under “Acting in” at the top.',
    }),
  },
  WRONG_SCOPE: {
    summary: 'asked in the wrong scope',
    explain: (f, ctx) => {
      const toolkit = toolkitName(failureToolkit(f) ?? ctx.toolkit);
      const scope = failureScope(f);
      const orgIds = Array.isArray(f.details.orgIds)
        ? f.details.orgIds.filter((id): id is string => typeof id === 'string')
        : [];
      if (scope?.kind === 'org' || f.details.expectedScope === 'org') {
        const ids = orgIds.length > 0 ? orgIds : scope ? [scope.id] : [];
        if (ids.length === 0) {
          return {
            title: 'Runs with the organization’s accounts',
            message: `${toolkit} runs with an organization’s shared accounts — act in that organization to use it.`,
            tone: 'guidance',
          };
        }
        const names = ids.map((id) => orgWords(id, ctx));
        return ids.length === 1
          ? {
              title: `Runs with ${names[0]}’s accounts`,
              message: `${toolkit} runs with ${names[0]}’s account — act in ${names[0]} to use it.`,
              tone: 'guidance',
            }
          : {
              title: 'Runs with an organization’s accounts',
              message: `${toolkit} runs with the shared accounts of ${listWords(names)} — act in one of them to use it.`,
              tone: 'guidance',
            };
      }
      return {
        title: 'Runs with your own accounts',
        message: `${toolkit} runs with each person’s own accounts — act personally to use it.`,
        tone: 'guidance',
      };
    },
  },
  NO_CONNECTED_ACCOUNT: {
    summary: 'no connected account',
    explain: (f, ctx) => ({
      title: 'No connected account',
      message: `There is no active ${toolkitName(failureToolkit(f) ?? ctx.toolkit)} account in ${scopeWords(f, ctx)}. Connect one to run this tool.`,
      tone: 'warning',
    }),
  },
  AMBIGUOUS_ACCOUNT: {
    summary: 'several accounts, none chosen',
    explain: (f, ctx) => {
      const whose = scopeWords(f, ctx).replace(/^./, (c) => c.toUpperCase());
      return {
        title: 'Choose an account',
        message: `${whose} include several active ${toolkitName(failureToolkit(f) ?? ctx.toolkit)} accounts, and the policy asks you to pick one. Choose an account below, or pin a default on the Connections page.`,
        tone: 'warning',
      };
    },
  },
  ACCOUNT_INACTIVE: {
    summary: 'account not active',
    explain: (f, ctx) => ({
      title: 'Account not active',
      message: `${accountStatusSentence(f, ctx)} Reconnect it on the Connections page, or choose another account; Switchboard never switches accounts by itself.`,
      tone: 'warning',
    }),
  },
  LAST_OWNER: {
    summary: 'last owner',
    explain: () => ({
      title: 'An owner is required',
      message: 'An organization keeps at least one owner. Make someone else owner first.',
    }),
  },
  REQUEST_NOT_PENDING: {
    summary: 'request already settled',
    explain: () => ({
      title: 'Request already settled',
      message: 'This connection request has already completed or expired.',
    }),
  },
  APPROVAL_REQUIRED: {
    summary: 'waiting for an approver',
    explain: (f, ctx) => {
      const until =
        typeof f.details.expiresAt === 'string' ? ` until ${formatDate(f.details.expiresAt)}` : '';
      return {
        title: 'Sent for approval',
        message: `Nothing ran yet: ${ctx.actingOrg?.name ?? 'the organization'}’s policy asks an approver to say yes to this tool first. It waits${until}; once approved it runs once by itself, and its result appears under “Your requests” on the Approvals page.`,
        tone: 'guidance',
      };
    },
  },
  APPROVAL_NOT_PENDING: {
    summary: 'already decided',
    explain: (f) => ({
      title: 'Already decided',
      message: `This request is no longer waiting${typeof f.details.status === 'string' ? ` (it is ${f.details.status})` : ''}: it can be approved or denied once only.`,
    }),
  },
  APPROVAL_EXPIRED: {
    summary: 'approval expired',
    explain: () => ({
      title: 'Request expired',
      message:
        'Nobody decided in time, so the call will not run. Ask for it again if it is still needed.',
    }),
  },
  SELF_APPROVAL: {
    summary: 'own request',
    explain: () => ({
      title: 'Not your own request',
      message: 'Another approver must decide on a call you asked for (four eyes).',
    }),
  },
  ORG_EXISTS: {
    summary: 'organization exists',
    explain: () => ({
      title: 'Organization exists',
      message: 'An organization with this id already exists. Choose another name.',
    }),
  },
  LABEL_TAKEN: {
    summary: 'label in use',
    explain: () => ({
      title: 'Label in use',
      message: 'Another account of this toolkit already has that label. Choose another one.',
    }),
  },
  IDEMPOTENCY_KEY_REUSED: {
    summary: 'run key used for another run',
    explain: () => ({
      title: 'Run key already used',
      message:
        'This run’s idempotency key was already used for a different run (another tool, account or arguments). Send it with a new key.',
    }),
  },
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    summary: 'same run still going',
    explain: (f) => {
      const seconds = f.details.retryAfterSeconds;
      return {
        title: 'Still running',
        message: `The first run with this idempotency key has not finished yet. Try again${typeof seconds === 'number' ? ` in ${seconds} s` : ' shortly'} to get its result; it will not run twice.`,
        tone: 'warning',
      };
    },
  },
  EXECUTION_OUTCOME_UNKNOWN: {
    summary: 'earlier run cut off',
    explain: () => ({
      title: 'Outcome unknown',
      message:
        'The first run with this idempotency key was cut off while Composio was running it, so it may or may not have happened. Check the Activity log (it shows as “Outcome unknown”) before running it again.',
    }),
  },
  RATE_LIMITED: {
    summary: 'too many runs',
    explain: (f) => {
      const seconds = f.details.retryAfterSeconds;
      return {
        title: 'Too many runs',
        message:
          typeof seconds === 'number'
            ? `Too many tool runs for now. Try again in ${seconds} s.`
            : 'Too many tool runs for now. Try again shortly.',
      };
    },
  },
  COMPOSIO_RATE_LIMITED: {
    summary: 'Composio busy',
    explain: () => ({
      title: 'Composio is busy',
      message: 'Composio is rate-limiting requests. Try again shortly.',
    }),
  },
  COMPOSIO_UNAVAILABLE: {
    summary: 'Composio unavailable',
    explain: () => ({
      title: 'Composio unavailable',
      message: 'Composio could not be reached or failed. Try again shortly.',
    }),
  },
  DATABASE_UNAVAILABLE: {
    summary: 'database unavailable',
    explain: () => ({
      title: 'Switchboard is briefly unavailable',
      message: 'Its database could not be reached. Nothing was changed; try again in a moment.',
    }),
  },
  COMPOSIO_TIMEOUT: {
    summary: 'Composio timed out',
    explain: () => ({
      title: 'Composio timed out',
      message: 'Composio did not answer in time. Try again.',
    }),
  },
  COMPOSIO_UNAUTHORIZED: {
    summary: 'Composio refused the API key',
    explain: () => ({
      title: 'Composio refused the API key',
      message: 'Switchboard’s Composio credentials were refused. Tell an operator.',
    }),
  },
  DEV_MODE_ONLY: {
    summary: 'dev sign-in is off',
    explain: () => ({
      title: 'Dev sign-in is off',
      message: 'This server does not offer dev sign-in. Paste a token from your identity provider.',
    }),
  },
  INTERNAL: {
    summary: 'server failure',
    explain: (f) => ({
      title: 'Something went wrong',
      message: f.requestId
        ? `The server failed unexpectedly (request ${f.requestId}).`
        : 'The server failed unexpectedly.',
    }),
  },
};

/** Every reason the console has words for (all of the API's, as the typecheck ensures). */
export const EXPLAINED_REASONS = Object.keys(REASONS) as Reason[];

function isKnownReason(reason: string): reason is Reason {
  return Object.hasOwn(REASONS, reason);
}

/**
 * A failure in words: a short title, a sentence saying what happened and what to do, and how to
 * show it. The server's own message never reaches the page, nor does a browser's error text
 * ("Failed to fetch", "Unexpected end of JSON input").
 */
export function explainFailure(failure: ApiFailure, ctx: ExplainContext = {}): Explanation {
  if (failure.reason === null) {
    if (failure.httpStatus === null) {
      return {
        title: 'Switchboard is not answering',
        message: `Cannot reach Switchboard at ${ctx.apiUrl ?? 'its API address'} — is the API running? Try again in a moment.`,
        tone: 'error',
      };
    }
    return {
      title: 'Request failed',
      message: `Switchboard answered with an error it did not explain (HTTP ${failure.httpStatus}).`,
      tone: 'error',
    };
  }
  if (!isKnownReason(failure.reason)) {
    return {
      title: 'Request failed',
      message:
        'Switchboard refused this for a reason this console does not know yet. Reload the page to get the newest console.',
      tone: 'error',
    };
  }
  const { tone = 'error', ...words } = REASONS[failure.reason].explain(failure, ctx);
  return { ...words, tone };
}

/**
 * A reason code recorded in the audit log (a reason, or `TOOL_FAILED` for a tool that reported
 * its own error) in a few words.
 */
export function reasonSummary(code: string): string {
  if (code === 'TOOL_FAILED') return 'the tool reported an error';
  return isKnownReason(code) ? REASONS[code].summary : humanizeCode(code);
}

/** Reasons that mean the token is no good: the console signs out. */
export function isSessionFailure(failure: ApiFailure): boolean {
  return (
    failure.reason === 'UNAUTHENTICATED' ||
    failure.reason === 'TOKEN_EXPIRED' ||
    failure.reason === 'INVALID_TOKEN'
  );
}

/** Failures worth a "Try again": no answer, a server-side failure, or a busy upstream. */
export function isRetryable(failure: ApiFailure): boolean {
  if (failure.httpStatus === null) return true;
  return failure.httpStatus >= 500 || failure.httpStatus === 429;
}
