import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('memberships')
    .addColumn('org_id', 'text', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('memberships_pkey', ['org_id', 'user_id'])
    .addCheckConstraint(
      'memberships_role_check',
      sql`role in ('owner', 'admin', 'member', 'viewer')`,
    )
    .execute();

  // "Which orgs am I in" runs on every request; the primary key serves "who is in this org".
  await db.schema
    .createIndex('memberships_user_id_idx')
    .on('memberships')
    .column('user_id')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('memberships').execute();
}
