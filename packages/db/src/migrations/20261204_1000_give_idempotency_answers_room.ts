import { type Kysely, sql } from 'kysely';

/**
 * Keeping a key's answer (about a kilobyte) is an update of a row written a moment before with
 * none. At fillfactor 70 a page had room for two such answers beside its thirty-odd fresh keys,
 * so most updates moved the row to another page and wrote both indexes again. At 10 a page keeps
 * room for the answers of all its keys, so each update stays on its page (HOT) and touches no
 * index. The lifetime index becomes a BRIN: keys are written in time order, so a range summary
 * per block finds the expired ones, and costs next to nothing per insert.
 */
// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table idempotency_keys set (fillfactor = 10)`.execute(db);
  await sql`drop index idempotency_keys_expires_at_idx`.execute(db);
  await sql`create index idempotency_keys_expires_at_idx on idempotency_keys
    using brin (expires_at)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: frozen in time, a migration knows no schema type.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index idempotency_keys_expires_at_idx`.execute(db);
  await sql`create index idempotency_keys_expires_at_idx on idempotency_keys (expires_at)`.execute(
    db,
  );
  await sql`alter table idempotency_keys set (fillfactor = 70)`.execute(db);
}
