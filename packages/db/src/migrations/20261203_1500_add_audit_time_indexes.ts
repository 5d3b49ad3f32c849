import type { Kysely } from 'kysely';

/**
 * Time-ordered reads of the audit logs: `audit.export` pages an organization's or a person's
 * executions by (started_at, id), and the retention job deletes the oldest rows of both logs a
 * batch at a time. Without these each page or batch would scan and sort the whole log.
 * Plain (not CONCURRENTLY) because migrations run in a transaction; on a large log, build them
 * by hand with CONCURRENTLY first and this migration finds them (IF NOT EXISTS).
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('tool_executions_started_at_idx')
    .ifNotExists()
    .on('tool_executions')
    .columns(['started_at', 'id'])
    .execute();
  await db.schema
    .createIndex('tool_executions_scope_org_id_started_at_idx')
    .ifNotExists()
    .on('tool_executions')
    .columns(['scope_org_id', 'started_at', 'id'])
    .execute();
  await db.schema
    .createIndex('tool_executions_actor_user_id_started_at_idx')
    .ifNotExists()
    .on('tool_executions')
    .columns(['actor_user_id', 'started_at', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_events_occurred_at_idx')
    .ifNotExists()
    .on('audit_events')
    .columns(['occurred_at', 'id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_occurred_at_idx').ifExists().execute();
  await db.schema.dropIndex('tool_executions_actor_user_id_started_at_idx').ifExists().execute();
  await db.schema.dropIndex('tool_executions_scope_org_id_started_at_idx').ifExists().execute();
  await db.schema.dropIndex('tool_executions_started_at_idx').ifExists().execute();
}
