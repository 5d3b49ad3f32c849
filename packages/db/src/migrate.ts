import type { Kysely } from 'kysely';
import { type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely/migration';
import type { Database } from './database.js';
import { DbError, describeError } from './errors.js';
import { migrations } from './migrations/index.js';

/** A migration known to this package, and when it ran on this database (if it has). */
export interface MigrationState {
  name: string;
  executedAt: Date | undefined;
}

/**
 * Applies every pending migration, in name order, in one transaction. Running it again is a
 * no-op.
 *
 * @returns the names of the migrations it applied (empty when already up to date).
 * @throws {DbError} `MIGRATION_FAILED`, naming the migration that failed and the ones rolled back
 *   with it; the database error is the `cause`.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  return run('apply', await migrator(db).migrateToLatest());
}

/**
 * Reverts the most recently applied migration.
 *
 * @returns the name of the migration it reverted (empty when none was applied).
 */
export async function migrateDown(db: Kysely<Database>): Promise<string[]> {
  return run('revert', await migrator(db).migrateDown());
}

/**
 * Reverts every applied migration, newest first: an empty schema (Kysely's own bookkeeping
 * tables stay). For tests and local resets, never for production data.
 *
 * @returns the names of the migrations it reverted, in the order it reverted them.
 */
export async function resetSchema(db: Kysely<Database>): Promise<string[]> {
  return run('revert', await migrator(db).migrateTo(NO_MIGRATIONS));
}

/** Every migration this package ships, in order, with when it ran on `db`. */
export async function migrationStatus(db: Kysely<Database>): Promise<MigrationState[]> {
  const all = await migrator(db).getMigrations();
  return all.map(({ name, executedAt }) => ({ name, executedAt }));
}

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
  });
}

function run(verb: 'apply' | 'revert', { error, results = [] }: MigrationResultSet): string[] {
  if (error === undefined) return results.map((result) => result.migrationName);

  const cause = describeError(error);
  const failed = results.find((result) => result.status === 'Error')?.migrationName;
  if (failed === undefined) {
    throw new DbError('MIGRATION_FAILED', `Could not ${verb} migrations: ${cause}`, {
      cause: error,
    });
  }
  // The batch runs in one transaction: when one migration fails, none of them takes effect.
  const batch = results.map((result) => result.migrationName).join(', ');
  throw new DbError(
    'MIGRATION_FAILED',
    `Migration ${failed} failed to ${verb}: ${cause}. Rolled back, nothing changed (batch: ${batch}).`,
    { cause: error },
  );
}
