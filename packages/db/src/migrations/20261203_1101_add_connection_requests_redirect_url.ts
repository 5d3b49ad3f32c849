import type { Kysely } from 'kysely';

/**
 * Where a pending connection request sends the person to consent, so an abandoned one can be
 * resumed. Earlier requests have none.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('connection_requests').addColumn('redirect_url', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('connection_requests').dropColumn('redirect_url').execute();
}
