import { type Kysely, sql } from 'kysely';

/**
 * The transactional outbox and the webhooks that carry it out. An event row is written in the
 * same transaction as the change it describes, with one delivery row per subscribed endpoint, so
 * a change without its event (or an event of a rolled-back change) cannot happen; deliveries are
 * claimed with `FOR UPDATE SKIP LOCKED` by whichever instance gets there first.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  const scopeColumns = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('scope_kind', 'text', (col) => col.notNull())
      .addColumn('scope_user_id', 'text')
      .addColumn('scope_org_id', 'text', (col) =>
        col.references('organizations.id').onDelete('cascade'),
      )
      .addColumn('composio_user_id', 'text', (col) => col.notNull())
      .addCheckConstraint(`${table}_scope_kind_check`, sql`scope_kind in ('user', 'org')`)
      .addCheckConstraint(
        `${table}_scope_check`,
        sql`(scope_kind = 'user' and scope_user_id is not null and scope_org_id is null)
          or (scope_kind = 'org' and scope_org_id is not null and scope_user_id is null)`,
      );

  await scopeColumns('events')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('actor_kind', 'text', (col) => col.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('data', 'jsonb', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addCheckConstraint('events_actor_check', sql`actor_kind in ('user', 'composio', 'system')`)
    .execute();
  await db.schema
    .createIndex('events_composio_user_id_idx')
    .on('events')
    .columns(['composio_user_id', 'occurred_at'])
    .execute();

  await scopeColumns('webhook_endpoints')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('event_types', sql`text[]`, (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('enabled', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_expires_at', 'timestamptz')
    .addColumn('disabled_reason', 'text')
    .addColumn('failing_since', 'timestamptz')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_composio_user_id_idx')
    .on('webhook_endpoints')
    .column('composio_user_id')
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('endpoint_id', 'uuid', (col) =>
      col.notNull().references('webhook_endpoints.id').onDelete('cascade'),
    )
    .addColumn('event_id', 'uuid', (col) =>
      col.notNull().references('events.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('webhook_deliveries_endpoint_event_key', ['endpoint_id', 'event_id'])
    .addCheckConstraint(
      'webhook_deliveries_status_check',
      sql`status in ('pending', 'delivered', 'failed')`,
    )
    .execute();
  // What the workers look for: pending deliveries that are due.
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint_idx')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('delivery_id', 'uuid', (col) =>
      col.notNull().references('webhook_deliveries.id').onDelete('cascade'),
    )
    .addColumn('attempted_at', 'timestamptz', (col) => col.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('response_prefix', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_attempts_delivery_idx')
    .on('webhook_attempts')
    .columns(['delivery_id', 'id'])
    .execute();

  // Composio's webhook ids already acted on: a replay changes nothing twice.
  await db.schema
    .createTable('composio_webhooks')
    .addColumn('webhook_id', 'text', (col) => col.primaryKey())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('composio_webhooks').execute();
  await db.schema.dropTable('webhook_attempts').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
  await db.schema.dropTable('events').execute();
}
