import type { GithubWorld } from '../catalog/github.js';
import type { GmailWorld } from '../catalog/gmail.js';
import type { NotionWorld } from '../catalog/notion.js';
import type { SlackWorld } from '../catalog/slack.js';

/**
 * The statuses the emulator produces. Composio also knows `INITIALIZING` and `REVOKED`; the
 * emulator never enters them but accepts them as list filters.
 */
export const ACCOUNT_STATUSES = ['INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const COMPOSIO_STATUSES = [
  'INITIALIZING',
  'INITIATED',
  'ACTIVE',
  'FAILED',
  'EXPIRED',
  'INACTIVE',
  'REVOKED',
] as const;
export type ComposioStatus = (typeof COMPOSIO_STATUSES)[number];

export interface AuthConfigRecord {
  id: string;
  uuid: string;
  name: string;
  toolkit: string;
  isComposioManaged: boolean;
  authScheme: 'OAUTH2';
  status: 'ENABLED' | 'DISABLED';
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

/** A pending consent: `token` is the last path segment of the account's `redirect_url`. */
export interface LinkRecord {
  token: string;
  expiresAt: number;
  callbackUrl: string | null;
}

/** Per-account upstream data, seeded from the identity the first time a tool touches it. */
export interface AccountWorld {
  github?: GithubWorld;
  gmail?: GmailWorld;
  slack?: SlackWorld;
  notion?: NotionWorld;
}

export interface AccountRecord {
  id: string;
  /** Composio's legacy UUID for the account (`deprecated.uuid` of the initiate answer). */
  uuid: string;
  userId: string;
  toolkit: string;
  authConfigId: string;
  alias: string | null;
  wordId: string;
  status: AccountStatus;
  statusReason: string | null;
  isDisabled: boolean;
  /** The upstream login/address chosen on the consent page; null until first approved. */
  identity: string | null;
  /** A fake credential (`emu_secret_…`) so callers can prove they strip secrets. */
  accessToken: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the account last became ACTIVE through consent or seeding (for "most recent"). */
  connectedAt: number | null;
  /** Insertion order of the last activation; breaks ties between equal clock readings. */
  connectedSeq: number;
  /** Creation order; breaks ties in listings. */
  seq: number;
  /** The pending consent, while INITIATED (and kept once it timed out, so its page says so). */
  link: LinkRecord | null;
  /** The callback of the last link or refresh; a refresh without one reuses it. */
  callbackUrl: string | null;
  /**
   * The call that started the connection: `link` (`POST /connected_accounts/link`, and seeding)
   * or the legacy `initiate` (`POST /connected_accounts`). The callback's query names differ.
   */
  startedBy: 'link' | 'initiate';
  world: AccountWorld;
}

export type WriteKind =
  | 'github_issue'
  | 'email'
  | 'slack_message'
  | 'slack_channel_deleted'
  | 'notion_page';

/** Something a tool wrote upstream, for tests: "which account sent this?" */
export interface OutboxEntry {
  kind: WriteKind;
  tool: string;
  accountId: string;
  userId: string;
  toolkit: string;
  identity: string;
  at: string;
  summary: Record<string, unknown>;
}

export interface ExecutionRecord {
  logId: string;
  tool: string;
  toolkit: string;
  accountId: string;
  userId: string;
  successful: boolean;
  error: string | null;
  at: string;
}

export interface RequestLogEntry {
  id: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Clock time (the injectable clock) the request arrived, ISO. */
  time: string;
  /** Status sent, or null when the socket was dropped or the request is still running. */
  status: number | null;
  /** Wall time spent answering, ms (includes injected latency). */
  durationMs: number | null;
  /** The fault applied to this request, if any. */
  faultId: string | null;
  /** The W3C trace context the caller sent (`traceparent`), so tests can follow a trace here. */
  traceparent: string | null;
}

export interface FaultSpec {
  method?: string;
  /** Exact path (no query), or a prefix ending in `*`. */
  path: string;
  latencyMs?: number;
  status?: number;
  retryAfterSeconds?: number;
  body?: unknown;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
}

export interface FaultRecord extends FaultSpec {
  id: string;
  /** Requests it has been applied to so far. */
  hits: number;
}
