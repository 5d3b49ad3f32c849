import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('connected_accounts')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('scope_kind', 'text', (col) => col.notNull())
    .addColumn('scope_user_id', 'text', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('scope_org_id', 'text', (col) =>
      col.references('organizations.id').onDelete('cascade'),
    )
    .addColumn('composio_user_id', 'text', (col) => col.notNull())
    .addColumn('toolkit', 'text', (col) => col.notNull())
    .addColumn('auth_config_id', 'text', (col) => col.notNull())
    .addColumn('label', 'text')
    .addColumn('upstream_identity', 'text')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('is_default', 'boolean', (col) => col.notNull().defaultTo(false))
    // The org scope owns its accounts: they outlive the member who connected them.
    .addColumn('connected_by', 'text', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('connected_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('connected_accounts_scope_kind_check', sql`scope_kind in ('user', 'org')`)
    .addCheckConstraint(
      'connected_accounts_scope_check',
      sql`(scope_kind = 'user' and scope_user_id is not null and scope_org_id is null)
        or (scope_kind = 'org' and scope_org_id is not null and scope_user_id is null)`,
    )
    .addCheckConstraint(
      'connected_accounts_composio_user_id_check',
      sql`composio_user_id = case scope_kind
        when 'user' then scope_user_id
        when 'org' then 'org_' || scope_org_id
      end`,
    )
    .addCheckConstraint('connected_accounts_label_check', sql`char_length(label) between 1 and 100`)
    .addCheckConstraint(
      'connected_accounts_status_check',
      sql`status in ('INITIALIZING', 'INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE', 'REVOKED')`,
    )
    // Labels tell a scope's accounts of one toolkit apart; unlabelled (null) ones may repeat.
    .addUniqueConstraint('connected_accounts_label_key', ['composio_user_id', 'toolkit', 'label'])
    .execute();

  // One pinned default per scope and toolkit.
  await db.schema
    .createIndex('connected_accounts_default_key')
    .on('connected_accounts')
    .columns(['composio_user_id', 'toolkit'])
    .unique()
    .where(sql<boolean>`is_default`)
    .execute();

  await db.schema
    .createIndex('connected_accounts_lookup_idx')
    .on('connected_accounts')
    .columns(['composio_user_id', 'toolkit', 'status'])
    .execute();

  await db.schema
    .createIndex('connected_accounts_scope_org_id_idx')
    .on('connected_accounts')
    .column('scope_org_id')
    .execute();

  await db.schema
    .createIndex('connected_accounts_scope_user_id_idx')
    .on('connected_accounts')
    .column('scope_user_id')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('connected_accounts').execute();
}
