import { type Kysely, sql } from 'kysely';

/**
 * Exactly-once tool execution. An attempt that reaches Composio is written `pending` before the
 * call (with the time by which it must be settled) and completed after it; a row a crashed
 * process left `pending` is settled to `unknown` by a sweeper. Idempotency keys are claimed by
 * inserting under a primary key, so two instances racing one key cannot both win.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tool_executions')
    .dropConstraint('tool_executions_outcome_check')
    .execute();
  await db.schema
    .alterTable('tool_executions')
    .addCheckConstraint(
      'tool_executions_outcome_check',
      sql`outcome in ('success', 'tool_error', 'error', 'denied', 'pending', 'unknown')`,
    )
    .execute();
  await db.schema.alterTable('tool_executions').addColumn('settle_by', 'timestamptz').execute();
  // Only a pending row waits to be settled, and it says by when.
  await db.schema
    .alterTable('tool_executions')
    .addCheckConstraint(
      'tool_executions_settle_by_check',
      sql`outcome <> 'pending' or settle_by is not null`,
    )
    .execute();
  // What the sweeper looks for: few rows, so a partial index.
  await sql`create index tool_executions_pending_idx on tool_executions (settle_by)
    where outcome = 'pending'`.execute(db);

  await db.schema
    .createTable('idempotency_keys')
    // No foreign key: like the audit log, a key outlives nothing it refers to by much (24 h).
    .addColumn('actor_user_id', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('execution_id', 'uuid', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    // The answer to replay, as sent: `json`, not `jsonb`, which would reorder its keys and make
    // a repeat's answer differ byte for byte from the first one's.
    .addColumn('response', 'json')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['actor_user_id', 'key'])
    .addCheckConstraint(
      'idempotency_keys_status_check',
      sql`status in ('running', 'done', 'unknown')`,
    )
    .addCheckConstraint(
      'idempotency_keys_response_check',
      sql`(status = 'done') = (response is not null)`,
    )
    .addCheckConstraint('idempotency_keys_key_check', sql`length(key) between 1 and 255`)
    // Room on each page, so that keeping a key's answer (no indexed column changes) is a HOT
    // update that touches no index.
    .modifyEnd(sql`with (fillfactor = 70)`)
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires_at_idx')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await sql`drop index tool_executions_pending_idx`.execute(db);
  await db.schema
    .alterTable('tool_executions')
    .dropConstraint('tool_executions_settle_by_check')
    .execute();
  await db.schema.alterTable('tool_executions').dropColumn('settle_by').execute();
  await sql`update tool_executions set outcome = 'error' where outcome in ('pending', 'unknown')`.execute(
    db,
  );
  await db.schema
    .alterTable('tool_executions')
    .dropConstraint('tool_executions_outcome_check')
    .execute();
  await db.schema
    .alterTable('tool_executions')
    .addCheckConstraint(
      'tool_executions_outcome_check',
      sql`outcome in ('success', 'tool_error', 'error', 'denied')`,
    )
    .execute();
}
