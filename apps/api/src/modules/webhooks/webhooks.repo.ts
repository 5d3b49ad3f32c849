import type { Database, WebhookDeliveryStatus } from '@switchboard/db';
import { composioUserIdFor, type Scope } from '@switchboard/identity';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { scopeColumns, scopeOfRow } from '../scope-columns.js';

type Db = Kysely<Database> | Transaction<Database>;
type EndpointRow = Selectable<Database['webhook_endpoints']>;

/** A subscription to a scope's events. The secrets never leave the service but on creation. */
export interface WebhookEndpoint {
  id: string;
  scope: Scope;
  url: string;
  eventTypes: string[];
  description: string | null;
  enabled: boolean;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  disabledReason: string | null;
  failingSince: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    scope: scopeOfRow(row),
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    enabled: row.enabled,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertEndpoint(
  db: Db,
  endpoint: Omit<
    WebhookEndpoint,
    | 'enabled'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'disabledReason'
    | 'failingSince'
    | 'updatedAt'
  >,
): Promise<WebhookEndpoint> {
  const row = await db
    .insertInto('webhook_endpoints')
    .values({
      id: endpoint.id,
      ...scopeColumns(endpoint.scope),
      url: endpoint.url,
      event_types: endpoint.eventTypes,
      description: endpoint.description,
      secret: endpoint.secret,
      created_by: endpoint.createdBy,
      created_at: endpoint.createdAt,
      updated_at: endpoint.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEndpoint(row);
}

export async function endpointById(db: Db, id: string): Promise<WebhookEndpoint | undefined> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toEndpoint(row) : undefined;
}

export async function endpointsOf(db: Db, scope: Scope): Promise<WebhookEndpoint[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('composio_user_id', '=', composioUserIdFor(scope))
    .orderBy('created_at')
    .execute();
  return rows.map(toEndpoint);
}

export async function updateEndpoint(
  db: Db,
  id: string,
  changes: Partial<{
    url: string;
    eventTypes: string[];
    description: string | null;
    enabled: boolean;
    secret: string;
    previousSecret: string | null;
    previousSecretExpiresAt: Date | null;
    disabledReason: string | null;
    failingSince: Date | null;
  }>,
  now: Date,
): Promise<WebhookEndpoint | undefined> {
  const row = await db
    .updateTable('webhook_endpoints')
    .set({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.eventTypes !== undefined ? { event_types: changes.eventTypes } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      ...(changes.secret !== undefined ? { secret: changes.secret } : {}),
      ...(changes.previousSecret !== undefined ? { previous_secret: changes.previousSecret } : {}),
      ...(changes.previousSecretExpiresAt !== undefined
        ? { previous_secret_expires_at: changes.previousSecretExpiresAt }
        : {}),
      ...(changes.disabledReason !== undefined ? { disabled_reason: changes.disabledReason } : {}),
      ...(changes.failingSince !== undefined ? { failing_since: changes.failingSince } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ? toEndpoint(row) : undefined;
}

export async function deleteEndpoint(db: Db, id: string): Promise<void> {
  await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

export interface Delivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface Attempt {
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responsePrefix: string | null;
}

/** An endpoint's deliveries, newest first, each with its attempts. */
export async function deliveriesOf(
  db: Db,
  endpointId: string,
  page: { before?: { createdAt: Date; id: string } | undefined; limit: number },
): Promise<Array<Delivery & { attemptLog: Attempt[] }>> {
  let q = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.endpoint_id', '=', endpointId)
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(page.limit);
  if (page.before) {
    const { createdAt, id } = page.before;
    q = q.where((eb) =>
      eb.or([
        eb('d.created_at', '<', createdAt),
        eb.and([eb('d.created_at', '=', createdAt), eb('d.id', '<', id)]),
      ]),
    );
  }
  const rows = await q.execute();
  const attempts =
    rows.length === 0
      ? []
      : await db
          .selectFrom('webhook_attempts')
          .selectAll()
          .where(
            'delivery_id',
            'in',
            rows.map((row) => row.id),
          )
          .orderBy('id')
          .execute();
  return rows.map((row) => ({
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    attemptLog: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        attemptedAt: attempt.attempted_at,
        statusCode: attempt.status_code,
        error: attempt.error,
        durationMs: attempt.duration_ms,
        responsePrefix: attempt.response_prefix,
      })),
  }));
}

export async function deliveryById(db: Db, id: string) {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Sends a delivery again from now on (redeliver): a new round of attempts. */
export async function requeueDelivery(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, locked_until: null })
    .where('id', '=', id)
    .execute();
}

/** A delivery claimed by a worker, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  attempts: number;
  endpoint: WebhookEndpoint;
  eventId: string;
  createdAt: Date;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints for `leaseMs`: `FOR UPDATE SKIP
 * LOCKED`, so workers of several instances each take different rows, and the lease, so a worker
 * that dies mid-send leaves its rows to be claimed again once it lapses (at least once).
 */
export async function claimDue(
  db: Kysely<Database>,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  // The due rows are picked (and locked) once, in a CTE, then claimed.
  const claimed = await db
    .with('due', (qb) =>
      qb
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
        .select('d.id')
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', now)]))
        .where('w.enabled', '=', true)
        .orderBy('d.next_attempt_at')
        .limit(limit)
        .forUpdate('d')
        .skipLocked(),
    )
    .updateTable('webhook_deliveries')
    .from('due')
    .set((eb) => ({
      locked_until: leaseUntil,
      attempts: eb('webhook_deliveries.attempts', '+', 1),
    }))
    .whereRef('webhook_deliveries.id', '=', 'due.id')
    .returning([
      'webhook_deliveries.id',
      'webhook_deliveries.attempts',
      'webhook_deliveries.endpoint_id',
      'webhook_deliveries.event_id',
      'webhook_deliveries.created_at',
    ])
    .execute();
  if (claimed.length === 0) return [];
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', 'in', [...new Set(claimed.map((row) => row.endpoint_id))])
    .execute();
  const byId = new Map(endpoints.map((row) => [row.id, toEndpoint(row)]));
  return claimed.flatMap((row) => {
    const endpoint = byId.get(row.endpoint_id);
    return endpoint
      ? [
          {
            id: row.id,
            attempts: row.attempts,
            endpoint,
            eventId: row.event_id,
            createdAt: row.created_at,
          },
        ]
      : [];
  });
}

/** Records one attempt and where the delivery goes next (delivered, retried later, given up). */
export async function settleAttempt(
  db: Kysely<Database>,
  deliveryId: string,
  attempt: Attempt,
  next:
    | { status: 'delivered'; at: Date }
    | { status: 'pending'; retryAt: Date }
    | { status: 'failed' },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: deliveryId,
        attempted_at: attempt.attemptedAt,
        status_code: attempt.statusCode,
        error: attempt.error,
        duration_ms: attempt.durationMs,
        response_prefix: attempt.responsePrefix,
      })
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({
        status: next.status,
        locked_until: null,
        last_status_code: attempt.statusCode,
        last_error: attempt.error,
        ...(next.status === 'delivered' ? { delivered_at: next.at } : {}),
        ...(next.status === 'pending' ? { next_attempt_at: next.retryAt } : {}),
      })
      .where('id', '=', deliveryId)
      .execute();
  });
}

/** Counts of an endpoint's deliveries by status (for the console). */
export async function deliveryCounts(db: Db, endpointId: string) {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('endpoint_id', '=', endpointId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, row.n])) as Partial<
    Record<WebhookDeliveryStatus, number>
  >;
}
