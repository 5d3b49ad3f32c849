import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Database, migrateToLatest } from '@switchboard/db';
import { type Kysely, sql } from 'kysely';

/**
 * The database one run uses, its own: on PostgreSQL a fresh `sb_bench_<random>` database created
 * on the server of `DATABASE_URL` and dropped at the end (an existing database is never touched);
 * otherwise a PGlite data folder in a temporary directory, removed at the end.
 */
export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  /** What the API instances are given: `DATABASE_URL` or `DATA_DIR`. */
  apiEnv: { DATABASE_URL: string } | { DATA_DIR: string };
  /**
   * Runs `fn` on a connection of the benchmark's own. PGlite is single-process: only call this
   * while no API instance has the folder open.
   */
  use<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Whether another process may query while the API runs (PostgreSQL only). */
  sharedAccess: boolean;
  destroy(): Promise<void>;
}

export async function createBenchDatabase(serverUrl: string | undefined): Promise<BenchDatabase> {
  return serverUrl ? createPostgres(serverUrl) : createPglite();
}

async function createPglite(): Promise<BenchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  // The API opens `${DATA_DIR}/pglite` (apps/api/src/runtime.ts).
  const dataDir = join(dir, 'pglite');
  const use = async <T>(fn: (db: Kysely<Database>) => Promise<T>) => {
    const handle = createDb({ dataDir });
    try {
      return await fn(handle.db);
    } finally {
      await handle.close();
    }
  };
  await use((db) => migrateToLatest(db));
  return {
    kind: 'pglite',
    apiEnv: { DATA_DIR: dir },
    use,
    sharedAccess: false,
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
}

async function createPostgres(serverUrl: string): Promise<BenchDatabase> {
  const name = `sb_bench_${randomBytes(5).toString('hex')}`;
  const admin = createDb({ url: serverUrl, poolMax: 1 });
  try {
    await sql`create database ${sql.id(name)}`.execute(admin.db);
  } catch (error) {
    await admin.close();
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const own = createDb({ url: url.toString(), poolMax: 2 });
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await own.close();
    try {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    } finally {
      await admin.close();
    }
  };
  try {
    await migrateToLatest(own.db);
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    kind: 'postgres',
    apiEnv: { DATABASE_URL: url.toString() },
    use: (fn) => fn(own.db),
    sharedAccess: true,
    destroy,
  };
}
