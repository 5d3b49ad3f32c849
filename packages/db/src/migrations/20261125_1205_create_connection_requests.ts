import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('connection_requests')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('scope_kind', 'text', (col) => col.notNull())
    .addColumn('scope_user_id', 'text', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('scope_org_id', 'text', (col) =>
      col.references('organizations.id').onDelete('cascade'),
    )
    .addColumn('composio_user_id', 'text', (col) => col.notNull())
    .addColumn('toolkit', 'text', (col) => col.notNull())
    .addColumn('auth_config_id', 'text', (col) => col.notNull())
    .addColumn('label', 'text')
    .addColumn('requested_by', 'text', (col) =>
      col.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('connected_account_id', 'text', (col) => col.notNull())
    .addColumn('reconnect_of', 'text', (col) =>
      col.references('connected_accounts.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('callback_url', 'text')
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addCheckConstraint('connection_requests_scope_kind_check', sql`scope_kind in ('user', 'org')`)
    .addCheckConstraint(
      'connection_requests_scope_check',
      sql`(scope_kind = 'user' and scope_user_id is not null and scope_org_id is null)
        or (scope_kind = 'org' and scope_org_id is not null and scope_user_id is null)`,
    )
    .addCheckConstraint(
      'connection_requests_composio_user_id_check',
      sql`composio_user_id = case scope_kind
        when 'user' then scope_user_id
        when 'org' then 'org_' || scope_org_id
      end`,
    )
    .addCheckConstraint(
      'connection_requests_label_check',
      sql`char_length(label) between 1 and 100`,
    )
    .addCheckConstraint(
      'connection_requests_status_check',
      sql`status in ('INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED')`,
    )
    .addCheckConstraint('connection_requests_expiry_check', sql`expires_at > created_at`)
    .execute();

  // A new link creates a new Composio account, so its id is unique among new links; a reconnect
  // re-authorizes an existing account in place and so repeats that account's id.
  await db.schema
    .createIndex('connection_requests_connected_account_id_key')
    .on('connection_requests')
    .column('connected_account_id')
    .unique()
    .where(sql.ref('reconnect_of'), 'is', null)
    .execute();

  await db.schema
    .createIndex('connection_requests_connected_account_id_idx')
    .on('connection_requests')
    .column('connected_account_id')
    .execute();

  await db.schema
    .createIndex('connection_requests_requested_by_idx')
    .on('connection_requests')
    .columns(['requested_by', 'created_at'])
    .execute();

  // Serve the cascades from organizations and connected_accounts without a table scan.
  await db.schema
    .createIndex('connection_requests_scope_org_id_idx')
    .on('connection_requests')
    .column('scope_org_id')
    .execute();

  await db.schema
    .createIndex('connection_requests_reconnect_of_idx')
    .on('connection_requests')
    .column('reconnect_of')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('connection_requests').execute();
}
