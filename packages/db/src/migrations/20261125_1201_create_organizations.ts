import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text', (col) => col.references('users.id').onDelete('set null'))
    .addCheckConstraint('organizations_id_check', sql`id ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$'`)
    .addCheckConstraint('organizations_name_check', sql`char_length(name) between 1 and 200`)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('organizations').execute();
}
