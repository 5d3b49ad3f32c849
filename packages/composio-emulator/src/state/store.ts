import { identitySuggestions, normalizeIdentity } from '../catalog/identity.js';
import { findToolkit } from '../catalog/toolkits.js';
import { EmulatorError } from '../errors.js';
import { newId, newUuid, wordIdFor } from './ids.js';
import type {
  AccountRecord,
  AccountStatus,
  AuthConfigRecord,
  ComposioStatus,
  ExecutionRecord,
  FaultRecord,
  FaultSpec,
  OutboxEntry,
  RequestLogEntry,
} from './types.js';

export interface StateOptions {
  /** The clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** How long a link (consent) stays valid, ms (default 10 minutes). */
  linkTtlMs?: number;
}

export interface AccountQuery {
  userIds?: string[];
  toolkitSlugs?: string[];
  authConfigIds?: string[];
  statuses?: ComposioStatus[];
  ids?: string[];
  orderBy?: 'created_at' | 'updated_at';
  direction?: 'asc' | 'desc';
}

export interface SeedAccountInput {
  userId: string;
  toolkit: string;
  identity: string;
  status?: AccountStatus;
  statusReason?: string | null;
  alias?: string | null;
  authConfigId?: string;
}

/** What a consent token points at. */
export type ConsentTarget =
  | { kind: 'pending'; account: AccountRecord; suggestions: string[] }
  | { kind: 'expired'; account: AccountRecord }
  | { kind: 'used'; account: AccountRecord }
  | { kind: 'unknown' };

const SNAPSHOT_VERSION = 1;

/** The persisted part of the state, as JSON. */
export interface StateSnapshot {
  version: number;
  authConfigs: AuthConfigRecord[];
  accounts: AccountRecord[];
  /** Consent token → account id. */
  linkTokens: Array<[string, string]>;
  sequence: number;
}

/** Kept bounded (between this and a tenth more) so long benchmark runs do not grow without limit. */
const LOG_LIMIT = 100_000;

export const DEFAULT_LINK_TTL_MS = 600_000;

/**
 * Everything the emulator knows, in memory. Time-based transitions (a link timing out into
 * `EXPIRED` / `INITIATION_TIMEOUT`) are evaluated lazily whenever an account is read, against the
 * injectable clock, so tests move time instead of sleeping.
 */
export class EmulatorState {
  readonly linkTtlMs: number;
  /** Added to the clock; moved by `POST /_emulator/clock`. */
  clockOffsetMs = 0;
  /** The base URL consent links point at; when null the app derives it from each request. */
  publicUrl: string | null = null;

  readonly authConfigs = new Map<string, AuthConfigRecord>();
  readonly accounts = new Map<string, AccountRecord>();
  /** Consent token → account id; superseded tokens stay so their page can say so. */
  readonly linkTokens = new Map<string, string>();
  readonly outbox: OutboxEntry[] = [];
  readonly executions: ExecutionRecord[] = [];
  readonly requests: RequestLogEntry[] = [];
  readonly faults: FaultRecord[] = [];

  private readonly clock: () => number;
  private readonly byUser = new Map<string, Set<AccountRecord>>();
  private sequence = 0;
  private requestSequence = 0;

  constructor(options: StateOptions = {}) {
    this.clock = options.now ?? Date.now;
    this.linkTtlMs = options.linkTtlMs ?? DEFAULT_LINK_TTL_MS;
  }

  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /** Forgets every auth config, account, log entry and fault (the clock offset too). */
  reset(): void {
    this.authConfigs.clear();
    this.accounts.clear();
    this.linkTokens.clear();
    this.byUser.clear();
    this.outbox.length = 0;
    this.executions.length = 0;
    this.requests.length = 0;
    this.faults.length = 0;
    this.clockOffsetMs = 0;
  }

  // ---- persistence -------------------------------------------------------------------------

  /**
   * What survives a restart (`stateFile`): auth configs, accounts with their upstream data, and
   * consent links. Logs, executions, faults and the clock offset are left out: they belong to a
   * test run, not to the connections.
   */
  snapshot(): StateSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      authConfigs: [...this.authConfigs.values()],
      accounts: [...this.accounts.values()],
      linkTokens: [...this.linkTokens],
      sequence: this.sequence,
    };
  }

  /** Replaces the auth configs, accounts and links with a snapshot's. */
  restore(snapshot: StateSnapshot): void {
    if (snapshot.version !== SNAPSHOT_VERSION) {
      throw new Error(`unknown snapshot version ${String(snapshot.version)}`);
    }
    this.authConfigs.clear();
    this.accounts.clear();
    this.linkTokens.clear();
    this.byUser.clear();
    for (const config of snapshot.authConfigs) this.authConfigs.set(config.id, config);
    for (const account of snapshot.accounts) {
      this.accounts.set(account.id, account);
      this.indexByUser(account);
    }
    for (const [token, id] of snapshot.linkTokens) this.linkTokens.set(token, id);
    this.sequence = Math.max(this.sequence, snapshot.sequence);
  }

  // ---- auth configs ----------------------------------------------------------------------

  createAuthConfig(input: {
    toolkit: string;
    name?: string;
    managed?: boolean;
    scopes?: string[];
  }): AuthConfigRecord {
    const toolkit = findToolkit(input.toolkit);
    if (!toolkit) {
      throw new EmulatorError('BAD_REQUEST', `Toolkit '${input.toolkit}' not found`);
    }
    const now = this.now();
    const record: AuthConfigRecord = {
      id: newId('ac'),
      uuid: newUuid(),
      name: input.name ?? `${toolkit.name} Auth Config`,
      toolkit: toolkit.slug,
      isComposioManaged: input.managed ?? true,
      authScheme: 'OAUTH2',
      status: 'ENABLED',
      scopes: input.scopes ?? toolkit.scopes,
      createdAt: now,
      updatedAt: now,
    };
    this.authConfigs.set(record.id, record);
    return record;
  }

  getAuthConfig(id: string): AuthConfigRecord {
    const record = this.authConfigs.get(id);
    if (!record) throw new EmulatorError('AUTH_CONFIG_NOT_FOUND', `Auth config ${id} not found`);
    return record;
  }

  /** Connected accounts (any status) made with an auth config. */
  countConnections(authConfigId: string): number {
    let count = 0;
    for (const a of this.accounts.values()) if (a.authConfigId === authConfigId) count += 1;
    return count;
  }

  // ---- accounts ----------------------------------------------------------------------------

  /** Creates an INITIATED account for `userId` and the consent link that completes it. */
  link(
    input: {
      authConfigId: string;
      userId: string;
      callbackUrl?: string | null;
      alias?: string | null;
      startedBy?: AccountRecord['startedBy'];
    },
    publicUrl: string,
  ): { account: AccountRecord; redirectUrl: string } {
    const authConfig = this.getAuthConfig(input.authConfigId);
    if (authConfig.status === 'DISABLED') {
      throw new EmulatorError('AUTH_CONFIG_DISABLED', `Auth config ${authConfig.id} is disabled`);
    }
    checkCallbackUrl(input.callbackUrl);
    const now = this.now();
    const account = this.insert({
      userId: input.userId,
      toolkit: authConfig.toolkit,
      authConfigId: authConfig.id,
      alias: input.alias ?? null,
      status: 'INITIATED',
      identity: null,
      accessToken: null,
      now,
    });
    account.callbackUrl = input.callbackUrl ?? null;
    account.startedBy = input.startedBy ?? 'link';
    return { account, redirectUrl: this.openLink(account, publicUrl) };
  }

  /** The account, with time-based transitions applied; throws when unknown. */
  getAccount(id: string): AccountRecord {
    const account = this.findAccount(id);
    if (!account) {
      throw new EmulatorError('CONNECTED_ACCOUNT_NOT_FOUND', `Connected account ${id} not found`);
    }
    return account;
  }

  findAccount(id: string): AccountRecord | undefined {
    const account = this.accounts.get(id);
    if (account) this.settle(account);
    return account;
  }

  queryAccounts(query: AccountQuery = {}): AccountRecord[] {
    const source = query.userIds
      ? query.userIds.flatMap((u) => [...(this.byUser.get(u) ?? [])])
      : [...this.accounts.values()];
    const toolkits = query.toolkitSlugs?.map((t) => t.toLowerCase());
    const found = source.filter((a) => {
      this.settle(a);
      return (
        (!toolkits || toolkits.includes(a.toolkit)) &&
        (!query.authConfigIds || query.authConfigIds.includes(a.authConfigId)) &&
        (!query.statuses || (query.statuses as readonly string[]).includes(a.status)) &&
        (!query.ids || query.ids.includes(a.id))
      );
    });
    const key = query.orderBy === 'updated_at' ? 'updatedAt' : 'createdAt';
    const sign = query.direction === 'asc' ? 1 : -1;
    return found.sort((a, b) => sign * (a[key] - b[key] || a.seq - b.seq));
  }

  /** The most recently connected ACTIVE, enabled account of `userId` for `toolkit`. */
  mostRecentActive(userId: string, toolkit: string): AccountRecord | undefined {
    let best: AccountRecord | undefined;
    for (const a of this.byUser.get(userId) ?? []) {
      this.settle(a);
      if (a.toolkit !== toolkit || a.status !== 'ACTIVE' || a.isDisabled) continue;
      if (
        !best ||
        (a.connectedAt ?? 0) > (best.connectedAt ?? 0) ||
        ((a.connectedAt ?? 0) === (best.connectedAt ?? 0) && a.connectedSeq > best.connectedSeq)
      ) {
        best = a;
      }
    }
    return best;
  }

  deleteAccount(id: string): void {
    const account = this.getAccount(id);
    this.accounts.delete(id);
    this.byUser.get(account.userId)?.delete(account);
  }

  /** Enables or disables: a disabled ACTIVE account becomes INACTIVE, and back when enabled. */
  setEnabled(id: string, enabled: boolean): AccountRecord {
    const account = this.getAccount(id);
    account.isDisabled = !enabled;
    if (!enabled && account.status === 'ACTIVE') {
      account.status = 'INACTIVE';
      account.statusReason = 'DISABLED_BY_USER';
    } else if (enabled && account.status === 'INACTIVE') {
      account.status = 'ACTIVE';
      account.statusReason = null;
    }
    account.updatedAt = this.now();
    return account;
  }

  /**
   * Re-authorizes in place. An ACTIVE account gets a fresh token silently (no redirect); any
   * other one goes back to INITIATED with a new consent link, keeping its id, alias and (offered
   * again on the page) its identity.
   */
  refresh(
    id: string,
    options: { callbackUrl?: string | null },
    publicUrl: string,
  ): { account: AccountRecord; redirectUrl: string | null } {
    const account = this.getAccount(id);
    if (account.isDisabled) {
      throw new EmulatorError(
        'CONNECTED_ACCOUNT_BAD_REQUEST',
        `Connected account ${id} is disabled; enable it before refreshing`,
      );
    }
    checkCallbackUrl(options.callbackUrl);
    account.updatedAt = this.now();
    if (account.status === 'ACTIVE') {
      account.accessToken = newSecret();
      return { account, redirectUrl: null };
    }
    if (options.callbackUrl) account.callbackUrl = options.callbackUrl;
    account.status = 'INITIATED';
    account.statusReason = null;
    return { account, redirectUrl: this.openLink(account, publicUrl) };
  }

  /** Test control: the account's credentials stop working (`EXPIRED`, reason `TOKEN_EXPIRED`). */
  expire(id: string, reason = 'TOKEN_EXPIRED'): AccountRecord {
    const account = this.getAccount(id);
    account.status = 'EXPIRED';
    account.statusReason = reason;
    account.link = null;
    account.updatedAt = this.now();
    return account;
  }

  /**
   * Creates an account without the consent flow (ACTIVE unless `status` says otherwise), using
   * the toolkit's first Composio-managed auth config, created when there is none.
   */
  seedAccount(input: SeedAccountInput, publicUrl: string): AccountRecord {
    const toolkit = findToolkit(input.toolkit);
    if (!toolkit) throw new EmulatorError('BAD_REQUEST', `Toolkit '${input.toolkit}' not found`);
    const identity = normalizeIdentity(input.identity);
    if (!identity) throw new EmulatorError('BAD_REQUEST', `Invalid identity '${input.identity}'`);
    let authConfig: AuthConfigRecord | undefined;
    if (input.authConfigId) {
      authConfig = this.getAuthConfig(input.authConfigId);
      if (authConfig.toolkit !== toolkit.slug) {
        throw new EmulatorError(
          'BAD_REQUEST',
          `Auth config ${authConfig.id} is for toolkit '${authConfig.toolkit}', not '${toolkit.slug}'`,
        );
      }
    } else {
      for (const c of this.authConfigs.values()) {
        if (c.toolkit === toolkit.slug && c.isComposioManaged) {
          authConfig = c;
          break;
        }
      }
      authConfig ??= this.createAuthConfig({ toolkit: toolkit.slug });
    }
    const status = input.status ?? 'ACTIVE';
    const now = this.now();
    const account = this.insert({
      userId: input.userId,
      toolkit: toolkit.slug,
      authConfigId: authConfig.id,
      alias: input.alias ?? null,
      status,
      identity,
      accessToken: newSecret(),
      now,
    });
    account.statusReason = input.statusReason ?? DEFAULT_REASONS[status];
    if (status === 'INACTIVE') account.isDisabled = true;
    if (status === 'INITIATED') this.openLink(account, publicUrl);
    if (status === 'ACTIVE' || status === 'INACTIVE') this.markConnected(account, now);
    return account;
  }

  // ---- consent -----------------------------------------------------------------------------

  consentTarget(token: string): ConsentTarget {
    const id = this.linkTokens.get(token);
    const account = id === undefined ? undefined : this.findAccount(id);
    if (!account) return { kind: 'unknown' };
    if (account.link?.token !== token) return { kind: 'used', account };
    if (account.status === 'EXPIRED') return { kind: 'expired', account };
    if (account.status !== 'INITIATED') return { kind: 'used', account };
    return { kind: 'pending', account, suggestions: identitySuggestions(account.userId) };
  }

  /**
   * Completes a consent. Approving activates the account as `identity` (a new identity starts
   * from that identity's seeded data); denying fails it with `USER_DENIED`. Returns the callback
   * to send the browser to, if any.
   */
  completeConsent(
    token: string,
    decision: { approve: true; identity: string } | { approve: false },
  ): { account: AccountRecord; callbackUrl: string | null } {
    const target = this.consentTarget(token);
    if (target.kind !== 'pending') {
      throw new EmulatorError('BAD_REQUEST', `Consent link is ${target.kind}`);
    }
    const { account } = target;
    const now = this.now();
    account.link = null;
    account.updatedAt = now;
    if (decision.approve) {
      if (account.identity !== decision.identity) account.world = {};
      account.identity = decision.identity;
      account.accessToken = newSecret();
      account.status = 'ACTIVE';
      account.statusReason = null;
      this.markConnected(account, now);
    } else {
      account.status = 'FAILED';
      account.statusReason = 'USER_DENIED';
    }
    return { account, callbackUrl: account.callbackUrl };
  }

  // ---- logs --------------------------------------------------------------------------------

  logRequest(entry: Omit<RequestLogEntry, 'id'>): RequestLogEntry {
    this.requestSequence += 1;
    const full = { id: this.requestSequence, ...entry };
    pushBounded(this.requests, full);
    return full;
  }

  recordWrite(entry: OutboxEntry): void {
    pushBounded(this.outbox, entry);
  }

  recordExecution(entry: ExecutionRecord): void {
    pushBounded(this.executions, entry);
  }

  addFault(spec: FaultSpec): FaultRecord {
    const fault = { ...spec, id: newId('fault', 8), hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** The first fault matching the request that still has uses left; counts the use. */
  takeFault(method: string, path: string): FaultRecord | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : path === f.path) &&
        (f.times === undefined || f.hits < f.times),
    );
    if (fault) fault.hits += 1;
    return fault;
  }

  // ---- internals ---------------------------------------------------------------------------

  private insert(input: {
    userId: string;
    toolkit: string;
    authConfigId: string;
    alias: string | null;
    status: AccountStatus;
    identity: string | null;
    accessToken: string | null;
    now: number;
  }): AccountRecord {
    this.sequence += 1;
    const id = newId('ca');
    const account: AccountRecord = {
      id,
      uuid: newUuid(),
      userId: input.userId,
      toolkit: input.toolkit,
      authConfigId: input.authConfigId,
      alias: input.alias,
      wordId: wordIdFor(input.toolkit, id),
      status: input.status,
      statusReason: null,
      isDisabled: false,
      identity: input.identity,
      accessToken: input.accessToken,
      createdAt: input.now,
      updatedAt: input.now,
      connectedAt: null,
      connectedSeq: 0,
      seq: this.sequence,
      link: null,
      callbackUrl: null,
      startedBy: 'link',
      world: {},
    };
    this.accounts.set(id, account);
    this.indexByUser(account);
    return account;
  }

  private indexByUser(account: AccountRecord): void {
    let forUser = this.byUser.get(account.userId);
    if (!forUser) {
      forUser = new Set();
      this.byUser.set(account.userId, forUser);
    }
    forUser.add(account);
  }

  private openLink(account: AccountRecord, publicUrl: string): string {
    const token = newId('lt', 24);
    account.link = {
      token,
      expiresAt: this.now() + this.linkTtlMs,
      callbackUrl: account.callbackUrl,
    };
    this.linkTokens.set(token, account.id);
    return consentUrl(publicUrl, token);
  }

  private markConnected(account: AccountRecord, now: number): void {
    this.sequence += 1;
    account.connectedAt = now;
    account.connectedSeq = this.sequence;
  }

  /** Applies the lazy transition: an INITIATED account whose link ran out is EXPIRED. */
  private settle(account: AccountRecord): void {
    if (account.status === 'INITIATED' && account.link && this.now() >= account.link.expiresAt) {
      account.status = 'EXPIRED';
      account.statusReason = 'INITIATION_TIMEOUT';
      account.updatedAt = account.link.expiresAt;
    }
  }
}

const DEFAULT_REASONS: Record<AccountStatus, string | null> = {
  INITIATED: null,
  ACTIVE: null,
  FAILED: 'USER_DENIED',
  EXPIRED: 'TOKEN_EXPIRED',
  INACTIVE: 'DISABLED_BY_USER',
};

/** The consent page of a link token. */
export function consentUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/consent/${token}`;
}

function checkCallbackUrl(url: string | null | undefined): void {
  if (url && !URL.canParse(url)) {
    throw new EmulatorError('BAD_REQUEST', `callback_url '${url}' is not an absolute URL`);
  }
}

function newSecret(): string {
  return `emu_secret_${newId('x', 24).slice(2)}`;
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  // Trimmed in steps of a tenth: cutting the oldest entry on every push once full moved all
  // 100,000 on each request, and made a long benchmark measure the emulator instead of the API.
  if (list.length >= LOG_LIMIT + LOG_LIMIT / 10) list.splice(0, list.length - LOG_LIMIT);
}
