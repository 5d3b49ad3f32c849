import { randomUUID } from 'node:crypto';
import type { Database } from '@switchboard/db';
import { composioUserIdFor, type Scope } from '@switchboard/identity';
import { type Kysely, sql, type Transaction } from 'kysely';
import { publicScope, scopeColumns, scopeOfRow } from '../scope-columns.js';
import type { EventActor, EventData, EventType, SwitchboardEvent } from './events.schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewEvent<T extends EventType = EventType> {
  type: T;
  scope: Scope;
  actor: EventActor;
  data: EventData<T>;
}

/**
 * Writes an event into the outbox with a delivery owed to every enabled endpoint of its scope
 * that subscribes to its type. Called with the transaction of the change it describes, so the
 * two commit, or roll back, together.
 */
export async function recordEvent<T extends EventType>(
  trx: Transaction<Database>,
  event: NewEvent<T>,
  now: Date,
): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto('events')
    .values({
      id,
      type: event.type,
      ...scopeColumns(event.scope),
      actor_kind: event.actor.kind,
      actor_id: event.actor.kind === 'user' ? event.actor.id : null,
      data: JSON.stringify(event.data),
      occurred_at: now,
    })
    .execute();
  await trx
    .insertInto('webhook_deliveries')
    .columns(['id', 'endpoint_id', 'event_id', 'next_attempt_at', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('webhook_endpoints')
        .select([
          sql<string>`gen_random_uuid()`.as('id'),
          'webhook_endpoints.id as endpoint_id',
          sql<string>`${id}::uuid`.as('event_id'),
          sql<Date>`${now}::timestamptz`.as('next_attempt_at'),
          sql<Date>`${now}::timestamptz`.as('created_at'),
        ])
        .where('composio_user_id', '=', composioUserIdFor(event.scope))
        .where('enabled', '=', true)
        .where(sql<boolean>`${event.type} = any(event_types)`),
    )
    .execute();
  return id;
}

/** Whether some endpoint of the scope subscribes to `type` (to skip building opt-in events). */
export async function hasSubscriber(db: Db, scope: Scope, type: EventType): Promise<boolean> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('composio_user_id', '=', composioUserIdFor(scope))
    .where('enabled', '=', true)
    .where(sql<boolean>`${type} = any(event_types)`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

type EventRow = Awaited<ReturnType<typeof selectEvent>>;

function selectEvent(db: Db, id: string) {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** An outbox row as the webhook body carries it. */
export function toEvent(row: EventRow): SwitchboardEvent {
  const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
  return {
    id: row.id,
    type: row.type as EventType,
    occurredAt: row.occurred_at.toISOString(),
    scope: publicScope(scopeOfRow(row)),
    actor:
      row.actor_kind === 'user'
        ? { kind: 'user', id: row.actor_id ?? '' }
        : { kind: row.actor_kind as 'composio' | 'system' },
    data,
  } as SwitchboardEvent;
}

export async function eventById(db: Db, id: string): Promise<SwitchboardEvent> {
  return toEvent(await selectEvent(db, id));
}
