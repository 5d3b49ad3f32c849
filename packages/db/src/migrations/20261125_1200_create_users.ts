import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('display_name', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // The id doubles as the Composio user id of the personal scope, so the rules that keep it
    // from reaching another scope hold here too: the same pattern as the edge (which also keeps
    // out e-mail addresses), never `org_…` (an org scope's id), never `default`.
    .addCheckConstraint(
      'users_id_check',
      sql`id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' and left(id, 4) <> 'org_' and lower(id) <> 'default'`,
    )
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('users').execute();
}
