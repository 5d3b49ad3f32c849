import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('toolkit_policies')
    .addColumn('org_id', 'text', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('toolkit', 'text', (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('connect_roles', sql`text[]`, (col) => col.notNull())
    .addColumn('execute_roles', sql`text[]`, (col) => col.notNull())
    // null means "no allow list": every tool that is not denied may run.
    .addColumn('allow_tools', sql`text[]`)
    .addColumn('deny_tools', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('require_explicit_selection', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('auth_config_id', 'text')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text', (col) => col.references('users.id').onDelete('set null'))
    .addPrimaryKeyConstraint('toolkit_policies_pkey', ['org_id', 'toolkit'])
    .addCheckConstraint('toolkit_policies_toolkit_check', sql`toolkit ~ '^[a-z0-9_-]{1,64}$'`)
    .addCheckConstraint('toolkit_policies_scope_check', sql`scope in ('org', 'user')`)
    // `<@` never matches a NULL element, so nulls inside the arrays are rejected too.
    .addCheckConstraint(
      'toolkit_policies_connect_roles_check',
      sql`connect_roles <@ array['owner', 'admin', 'member', 'viewer']::text[]`,
    )
    .addCheckConstraint(
      'toolkit_policies_execute_roles_check',
      sql`execute_roles <@ array['owner', 'admin', 'member', 'viewer']::text[]`,
    )
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('toolkit_policies').execute();
}
