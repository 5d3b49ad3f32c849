import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { REASON_CODES, type Reason } from './errors.js';
import type { AppRouter } from './modules/app.router.js';

export interface SwitchboardClientOptions {
  /** The API's base URL, e.g. https://switchboard.internal (the client appends /trpc). */
  url: string;
  /** Returns the caller's bearer token; called for every request, so tokens may rotate. */
  getToken: () => string | Promise<string>;
  fetch?: typeof globalThis.fetch;
}

/** Every reason a Switchboard call can fail with: branch on `error.data.reason`. */
export type SwitchboardReason = Reason;

/** The reasons, for code that checks a value at run time. */
export const SWITCHBOARD_REASONS = Object.keys(REASON_CODES) as readonly SwitchboardReason[];

/** What a refused call's error carries (the API's error formatter fills it in). */
export interface SwitchboardErrorData {
  reason: SwitchboardReason;
  /** tRPC's code (`NOT_FOUND`, `FORBIDDEN`, …) and the HTTP status it travelled as. */
  code: string;
  httpStatus: number;
  /** Facts of the refusal: the toolkit to connect, the accounts to choose from, the roles… */
  details?: Record<string, unknown>;
  /** Input errors, one per field. */
  issues?: Array<{ path: string; message: string }>;
  requestId?: string;
  path?: string;
}

/** A refused or failed Switchboard call, as the typed client throws it. */
export interface SwitchboardError extends Error {
  data: SwitchboardErrorData;
}

const KNOWN_REASONS: ReadonlySet<string> = new Set(SWITCHBOARD_REASONS);

/**
 * Whether `error` is a refusal from Switchboard with a stable reason. Checks the error's shape,
 * not its class, so it holds when the caller's `@trpc/client` is another copy than this one's.
 */
export function isSwitchboardError(error: unknown): error is SwitchboardError {
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null)) return false;
  const data = (error as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return false;
  const reason = (data as { reason?: unknown }).reason;
  return typeof reason === 'string' && KNOWN_REASONS.has(reason);
}

/**
 * The request failed before Switchboard answered: nothing listens at the URL, or something
 * that is not Switchboard answered there. Its message names the URL.
 */
export class SwitchboardUnreachableError extends Error {
  override name = 'SwitchboardUnreachableError';
  constructor(
    readonly url: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot reach Switchboard at ${url}: ${detail}`, options);
  }
}

/** `fetch`, with failures before Switchboard's own answer named by the URL that failed. */
function namingFetch(base: typeof globalThis.fetch, endpoint: string): typeof globalThis.fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      const detail =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      throw new SwitchboardUnreachableError(endpoint, detail, { cause: error });
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('application/json') && !type.includes('application/jsonl')) {
      throw new SwitchboardUnreachableError(
        endpoint,
        `answered HTTP ${response.status} with ${type || 'no content type'}, not Switchboard's JSON; is the URL right?`,
      );
    }
    if (!response.ok && !(await isTrpcFailure(response.clone()))) {
      throw new SwitchboardUnreachableError(
        endpoint,
        `answered HTTP ${response.status} with JSON that is not Switchboard's; is the URL right?`,
      );
    }
    return response;
  };
}

/** True when a failed answer is Switchboard's: tRPC's error shape with a reason, alone or batched. */
async function isTrpcFailure(response: Response): Promise<boolean> {
  const body: unknown = await response.json().catch(() => undefined);
  const items = Array.isArray(body) ? body : [body];
  return (
    items.length > 0 &&
    items.every((item) => {
      const error = (item as { error?: { message?: unknown; data?: { reason?: unknown } } } | null)
        ?.error;
      return typeof error?.message === 'string' && typeof error.data?.reason === 'string';
    })
  );
}

/**
 * A typed Switchboard client: `client.tools.execute.mutate({ tool, arguments, orgId })`. A refusal
 * rejects with an error `isSwitchboardError` recognizes; a URL where Switchboard does not answer
 * rejects with a `SwitchboardUnreachableError` (as the `cause` of the client's error) naming it.
 */
export function createSwitchboardClient(options: SwitchboardClientOptions) {
  const endpoint = `${options.url.replace(/\/$/, '')}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: endpoint,
        async headers() {
          return { authorization: `Bearer ${await options.getToken()}` };
        },
        fetch: namingFetch(options.fetch ?? globalThis.fetch, endpoint),
      }),
    ],
  });
}

export type SwitchboardClient = ReturnType<typeof createSwitchboardClient>;
