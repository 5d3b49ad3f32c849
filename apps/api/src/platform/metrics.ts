import type { PoolState } from '@switchboard/db';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ExecutionAttempt } from '../modules/audit/audit.repo.js';
import type { QuotaKind } from './rate-limits.js';

/** What became of a connection request: started, then one of the three ends. */
export type ConnectionRequestOutcome = 'started' | 'active' | 'failed' | 'expired';

/** What became of one webhook delivery attempt. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

/**
 * Seconds. Composio answers in tens of milliseconds when healthy and is given
 * `COMPOSIO_TIMEOUT_MS` (15 s by default) at most; procedures answer in a few milliseconds.
 */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

/**
 * The product's Prometheus metrics, in a registry of this app's own (tests build many apps in
 * one process; a global registry would mix their counts). Labels take values from small fixed
 * sets (channels, reasons, procedure paths, toolkits Composio knows) and never a user, an
 * organization or an account id: those would make one series per customer.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly executions: Counter<
    'channel' | 'scope_kind' | 'toolkit' | 'decision' | 'reason' | 'outcome'
  >;
  private readonly composioCalls: Histogram<'operation' | 'outcome'>;
  private readonly refusals: Counter<'kind'>;
  private readonly procedures: Histogram<'procedure' | 'code'>;
  private readonly connectionRequests: Counter<'outcome'>;
  private readonly deliveries: Counter<'outcome'>;
  private pool: (() => PoolState) | undefined;
  /** Labelled children by their label values: the hot paths skip prom-client's label hashing. */
  private readonly children = new Map<string, { inc(): void } | { observe(v: number): void }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.executions = new Counter({
      name: 'switchboard_tool_executions_total',
      help: 'Tool execution attempts, once each with its final outcome (as audited).',
      labelNames: ['channel', 'scope_kind', 'toolkit', 'decision', 'reason', 'outcome'],
      registers,
    });
    this.composioCalls = new Histogram({
      name: 'switchboard_composio_call_duration_seconds',
      help: 'Calls to Composio (retries included) by operation and outcome (ok, or the reason).',
      labelNames: ['operation', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.refusals = new Counter({
      name: 'switchboard_rate_limit_refusals_total',
      help: 'Tool executions refused by a quota, by the quota (user or org).',
      labelNames: ['kind'],
      registers,
    });
    this.procedures = new Histogram({
      name: 'switchboard_trpc_procedure_duration_seconds',
      help: 'tRPC procedure calls by procedure and tRPC code (OK when it succeeded).',
      labelNames: ['procedure', 'code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.connectionRequests = new Counter({
      name: 'switchboard_connection_requests_total',
      help: 'Connection requests started, and how they ended (active, failed, expired).',
      labelNames: ['outcome'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'switchboard_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, retrying, failed for good).',
      labelNames: ['outcome'],
      registers,
    });
  }

  /**
   * Gauges of the database's connections, read at each scrape from what the database reports
   * when it opens (`DbObserver.pool`): absent, rather than zero, for a database that reports
   * nothing, and `_waiting` absent on PGlite, where waiting callers cannot be counted.
   */
  watchPool(read: () => PoolState): void {
    // A second database (a test's proxy in front of the first) takes over the same gauges.
    const watched = this.pool !== undefined;
    this.pool = read;
    if (watched) return;
    const current = () => (this.pool as () => PoolState)();
    const registers = [this.registry];
    const gauge = (name: string, help: string, value: (state: PoolState) => number | undefined) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const state = value(current());
          if (state !== undefined) this.set(state);
        },
      });
    gauge(
      'switchboard_db_pool_connections',
      'Database connections open (PGlite: its one connection).',
      (state) => state.connections,
    );
    gauge(
      'switchboard_db_pool_in_use',
      'Database connections running a statement or held by a transaction.',
      (state) => state.inUse,
    );
    if (read().waiting !== undefined) {
      gauge(
        'switchboard_db_pool_waiting',
        'Callers waiting for a database connection.',
        (state) => state.waiting,
      );
    }
  }

  execution(attempt: ExecutionAttempt): void {
    const reason = attempt.denyReason ?? attempt.errorCode ?? 'none';
    const key = `e\0${attempt.channel}\0${attempt.scope.kind}\0${attempt.toolkit}\0${attempt.decision}\0${reason}\0${attempt.outcome}`;
    let child = this.children.get(key) as { inc(): void } | undefined;
    if (!child) {
      child = this.executions.labels(
        attempt.channel,
        attempt.scope.kind,
        attempt.toolkit,
        attempt.decision,
        reason,
        attempt.outcome,
      );
      this.children.set(key, child);
    }
    child.inc();
  }

  composioCall(operation: string, outcome: string, seconds: number): void {
    this.histogram(this.composioCalls, 'c', operation, outcome).observe(seconds);
  }

  procedure(path: string, code: string, seconds: number): void {
    this.histogram(this.procedures, 'p', path, code).observe(seconds);
  }

  rateLimited(kind: QuotaKind): void {
    this.refusals.inc({ kind });
  }

  connectionRequest(outcome: ConnectionRequestOutcome): void {
    this.connectionRequests.inc({ outcome });
  }

  delivery(outcome: DeliveryOutcome): void {
    this.deliveries.inc({ outcome });
  }

  private histogram<L extends string>(
    metric: Histogram<L>,
    tag: string,
    first: string,
    second: string,
  ): { observe(value: number): void } {
    const key = `${tag}\0${first}\0${second}`;
    let child = this.children.get(key) as { observe(value: number): void } | undefined;
    if (!child) {
      child = metric.labels(first, second);
      this.children.set(key, child);
    }
    return child;
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  clear(): void {
    this.children.clear();
    this.registry.clear();
  }
}
