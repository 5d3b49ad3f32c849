import { type Kysely, sql } from 'kysely';

/**
 * The audit log of what is not a tool execution: management actions (connecting a toolkit,
 * changing an account, a policy or a member) that were refused, and later the steps of an
 * approval. Like the execution log it outlives users; an organization's rows go with it.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('actor_user_id', 'text', (col) => col.notNull())
    .addColumn('scope_kind', 'text', (col) => col.notNull())
    .addColumn('scope_user_id', 'text')
    .addColumn('scope_org_id', 'text', (col) =>
      col.references('organizations.id').onDelete('cascade'),
    )
    .addColumn('composio_user_id', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('target', 'text')
    .addColumn('decision', 'text', (col) => col.notNull())
    .addColumn('reason', 'text')
    .addColumn('channel', 'text', (col) => col.notNull().defaultTo('trpc'))
    .addCheckConstraint('audit_events_scope_kind_check', sql`scope_kind in ('user', 'org')`)
    .addCheckConstraint(
      'audit_events_scope_check',
      sql`(scope_kind = 'user' and scope_user_id is not null and scope_org_id is null)
        or (scope_kind = 'org' and scope_org_id is not null and scope_user_id is null)`,
    )
    .addCheckConstraint('audit_events_decision_check', sql`decision in ('allowed', 'denied')`)
    .addCheckConstraint(
      'audit_events_reason_check',
      sql`(decision = 'denied') = (reason is not null)`,
    )
    .addCheckConstraint('audit_events_channel_check', sql`channel in ('trpc', 'mcp')`)
    .execute();
  await db.schema
    .createIndex('audit_events_scope_org_id_idx')
    .on('audit_events')
    .columns(['scope_org_id', 'id desc'])
    .execute();
  await db.schema
    .createIndex('audit_events_actor_user_id_idx')
    .on('audit_events')
    .columns(['actor_user_id', 'id desc'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
}
