import { toolkitLabel } from '../lib/format.ts';
import type { Reason } from './types.ts';

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
  /** The server's message, without a leading `REASON: ` prefix. */
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

/** Words for the people reading the console; `orgName` turns an org id into its name. */
export interface ExplainContext {
  orgName?: (orgId: string) => string | undefined;
}

export interface Explanation {
  title: string;
  message: string;
}

const toolkitName = (slug: string | null) => (slug ? toolkitLabel(slug) : 'this toolkit');

function scopeWords(failure: ApiFailure, ctx: ExplainContext): string {
  const scope = failureScope(failure);
  if (!scope) return 'this scope';
  if (scope.kind === 'user') return 'your personal accounts';
  return `${ctx.orgName?.(scope.id) ?? scope.id}'s accounts`;
}

function withServer(sentence: string, failure: ApiFailure): string {
  return failure.message ? `${sentence} (${failure.message})` : sentence;
}

type Explainer = (failure: ApiFailure, ctx: ExplainContext) => Explanation;

/**
 * One entry per reason the API can send. Typed against the router, so a reason added to the API
 * without words here fails the typecheck.
 */
const EXPLAINERS: Record<Reason, Explainer> = {
  UNAUTHENTICATED: () => ({ title: 'Sign in required', message: 'Sign in to continue.' }),
  TOKEN_EXPIRED: () => ({
    title: 'Session expired',
    message: 'Your session has expired. Sign in again.',
  }),
  INVALID_TOKEN: () => ({
    title: 'Token not accepted',
    message: 'The API did not accept this token. Sign in again or paste another token.',
  }),
  INVALID_INPUT: (f) => ({
    title: 'Check the input',
    message:
      f.issues.length > 0
        ? f.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
        : f.message || 'Some of the input was not accepted.',
  }),
  INVALID_USER_ID: (f) => ({
    title: 'Invalid user id',
    message: withServer(
      'User ids are 1–128 letters, digits or . _ : -, and may not start with org_, be "default" or look like an e-mail address.',
      f,
    ),
  }),
  INVALID_ORG_ID: (f) => ({
    title: 'Invalid organization id',
    message: withServer('That organization id is not valid.', f),
  }),
  INVALID_ARGUMENTS: (f) => ({
    title: 'Arguments rejected',
    message: withServer("The tool's input schema does not accept these arguments.", f),
  }),
  INVALID_CALLBACK_URL: (f) => ({
    title: 'Callback not allowed',
    message: withServer('The return address must be on this console’s own origin.', f),
  }),
  NOT_FOUND: () => ({
    title: 'Not found',
    message: 'It does not exist, or you do not have access to it.',
  }),
  TOOL_NOT_FOUND: (f) => ({
    title: 'Unknown tool',
    message: withServer('Composio does not know this tool.', f),
  }),
  TOOLKIT_NOT_FOUND: (f) => ({
    title: 'Unknown toolkit',
    message: withServer('Composio does not know this toolkit.', f),
  }),
  ROLE_REQUIRED: (f) => {
    const roles = Array.isArray(f.details.requiredRoles) ? f.details.requiredRoles.join(', ') : '';
    return {
      title: 'Not allowed for your role',
      message: roles
        ? `Your role in this organization does not allow this; it needs one of: ${roles}. Ask an owner or admin.`
        : withServer('Your role in this organization does not allow this.', f),
    };
  },
  TOOL_NOT_ALLOWED: () => ({
    title: 'Tool not allowed',
    message: "The organization's policy does not allow this tool.",
  }),
  NOT_APPLICABLE: (f) => ({
    title: 'Not applicable',
    message: withServer('This action does not apply here.', f),
  }),
  WRONG_SCOPE: (f, ctx) => {
    const toolkit = toolkitName(failureToolkit(f));
    const scope = failureScope(f);
    const expected = f.details.expectedScope;
    if (scope?.kind === 'org' || expected === 'org') {
      const where = scope ? (ctx.orgName?.(scope.id) ?? scope.id) : 'an organization';
      return {
        title: 'Connected at the organization level',
        message: `${toolkit} is connected at the organization level (${where}). Act in that organization to use it.`,
      };
    }
    return {
      title: 'Connected per person',
      message: `${toolkit} is connected per person: use your personal accounts.`,
    };
  },
  NO_CONNECTED_ACCOUNT: (f, ctx) => ({
    title: 'No connected account',
    message: `There is no active ${toolkitName(failureToolkit(f))} account in ${scopeWords(f, ctx)}. Connect one to run this tool.`,
  }),
  AMBIGUOUS_ACCOUNT: (f, ctx) => ({
    title: 'Choose an account',
    message: `${scopeWords(f, ctx).replace(/^./, (c) => c.toUpperCase())} include several active ${toolkitName(failureToolkit(f))} accounts, and the policy asks you to pick one.`,
  }),
  ACCOUNT_INACTIVE: (f) => {
    const status = typeof f.details.status === 'string' ? f.details.status : 'not active';
    return {
      title: 'Account not active',
      message: `The account is ${status}. Reconnect it, or choose another account; Switchboard never switches accounts silently.`,
    };
  },
  LAST_OWNER: () => ({
    title: 'An owner is required',
    message: 'An organization keeps at least one owner. Make someone else owner first.',
  }),
  REQUEST_NOT_PENDING: () => ({
    title: 'Request already settled',
    message: 'This connection request has already completed or expired.',
  }),
  ORG_EXISTS: () => ({
    title: 'Organization exists',
    message: 'An organization with this id already exists.',
  }),
  LABEL_TAKEN: (f) => ({
    title: 'Label in use',
    message: withServer('Another account of this toolkit already has that label.', f),
  }),
  RATE_LIMITED: (f) => {
    const seconds = f.details.retryAfterSeconds;
    return {
      title: 'Too many runs',
      message:
        typeof seconds === 'number'
          ? `Too many tool runs for now. Try again in ${seconds} s.`
          : 'Too many tool runs for now. Try again shortly.',
    };
  },
  COMPOSIO_RATE_LIMITED: () => ({
    title: 'Composio is busy',
    message: 'Composio is rate-limiting requests. Try again shortly.',
  }),
  COMPOSIO_UNAVAILABLE: () => ({
    title: 'Composio unavailable',
    message: 'Composio could not be reached or failed. Try again shortly.',
  }),
  DATABASE_UNAVAILABLE: () => ({
    title: 'Switchboard is briefly unavailable',
    message: 'Its database could not be reached. Nothing was changed; try again in a moment.',
  }),
  COMPOSIO_TIMEOUT: () => ({
    title: 'Composio timed out',
    message: 'Composio did not answer in time. Try again.',
  }),
  COMPOSIO_UNAUTHORIZED: () => ({
    title: 'Composio refused the API key',
    message: 'Switchboard’s Composio credentials were refused. Tell an operator.',
  }),
  DEV_MODE_ONLY: () => ({
    title: 'Dev sign-in is off',
    message: 'This server does not offer dev sign-in. Paste a token from your identity provider.',
  }),
  INTERNAL: (f) => ({
    title: 'Something went wrong',
    message: f.requestId
      ? `The server failed unexpectedly (request ${f.requestId}).`
      : 'The server failed unexpectedly.',
  }),
};

/** A failure in words: a short title and a sentence saying what happened and what to do. */
export function explainFailure(failure: ApiFailure, ctx: ExplainContext = {}): Explanation {
  if (failure.reason === null) {
    if (failure.httpStatus === null) {
      return {
        title: 'Cannot reach Switchboard',
        message: failure.message
          ? `The API did not answer: ${failure.message}`
          : 'The API did not answer. Check your connection and try again.',
      };
    }
    return { title: 'Request failed', message: failure.message || 'The request failed.' };
  }
  const explain = EXPLAINERS[failure.reason];
  return explain
    ? explain(failure, ctx)
    : { title: 'Request failed', message: failure.message || failure.reason };
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
