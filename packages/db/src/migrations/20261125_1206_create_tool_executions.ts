import { type Kysely, sql } from 'kysely';

/**
 * The audit log. Arguments and results are never stored. The actor and a personal scope have no
 * foreign key: the log outlives users. An org's rows go with the org.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tool_executions')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('execution_id', 'uuid', (col) =>
      col.notNull().unique().defaultTo(sql`gen_random_uuid()`),
    )
    .addColumn('actor_user_id', 'text', (col) => col.notNull())
    .addColumn('scope_kind', 'text', (col) => col.notNull())
    .addColumn('scope_user_id', 'text')
    .addColumn('scope_org_id', 'text', (col) =>
      col.references('organizations.id').onDelete('cascade'),
    )
    .addColumn('composio_user_id', 'text', (col) => col.notNull())
    .addColumn('toolkit', 'text', (col) => col.notNull())
    .addColumn('tool', 'text', (col) => col.notNull())
    .addColumn('connected_account_id', 'text')
    .addColumn('decision', 'text', (col) => col.notNull())
    .addColumn('deny_reason', 'text')
    .addColumn('outcome', 'text', (col) => col.notNull())
    .addColumn('error_code', 'text')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('tool_executions_scope_kind_check', sql`scope_kind in ('user', 'org')`)
    .addCheckConstraint(
      'tool_executions_scope_check',
      sql`(scope_kind = 'user' and scope_user_id is not null and scope_org_id is null)
        or (scope_kind = 'org' and scope_org_id is not null and scope_user_id is null)`,
    )
    .addCheckConstraint(
      'tool_executions_composio_user_id_check',
      sql`composio_user_id = case scope_kind
        when 'user' then scope_user_id
        when 'org' then 'org_' || scope_org_id
      end`,
    )
    .addCheckConstraint('tool_executions_decision_check', sql`decision in ('allowed', 'denied')`)
    .addCheckConstraint(
      'tool_executions_outcome_check',
      sql`outcome in ('success', 'tool_error', 'error', 'denied')`,
    )
    // A denial always says why, and only a denial has the `denied` outcome.
    .addCheckConstraint(
      'tool_executions_deny_reason_check',
      sql`(decision = 'denied') = (deny_reason is not null)`,
    )
    .addCheckConstraint(
      'tool_executions_denied_outcome_check',
      sql`(decision = 'denied') = (outcome = 'denied')`,
    )
    .addCheckConstraint('tool_executions_duration_ms_check', sql`duration_ms >= 0`)
    .execute();

  // Newest-first pages of one org's, one actor's and one scope's executions.
  await db.schema
    .createIndex('tool_executions_scope_org_id_idx')
    .on('tool_executions')
    .columns(['scope_org_id', 'id desc'])
    .execute();

  await db.schema
    .createIndex('tool_executions_actor_user_id_idx')
    .on('tool_executions')
    .columns(['actor_user_id', 'id desc'])
    .execute();

  await db.schema
    .createIndex('tool_executions_composio_user_id_idx')
    .on('tool_executions')
    .columns(['composio_user_id', 'id desc'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tool_executions').execute();
}
