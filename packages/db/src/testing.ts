import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { databaseUrlFromEnv } from './config.js';
import {
  type DbKind,
  type DbObserver,
  openPglite,
  openPostgres,
  pgliteOptions,
} from './create-db.js';
import type { Database } from './database.js';
import { DbError, pgErrorOf } from './errors.js';
import { migrateToLatest } from './migrate.js';
import { schemaFingerprint } from './schema-fingerprint.js';

/** A database of its own for one test (or one suite), migrated to latest. */
export interface TestDatabase {
  readonly db: Kysely<Database>;
  readonly kind: DbKind;
  /** `sb_test_<random>`: the PostgreSQL database's name; informational for PGlite. */
  readonly name: string;
  /** The database's URL on PostgreSQL (to hand to another process); `undefined` for PGlite. */
  readonly url: string | undefined;
  /** Closes the connections and, on PostgreSQL, drops the database. Safe to call twice. */
  destroy(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Pool size on PostgreSQL. Default 4: suites open many databases on one server. */
  poolMax?: number;
  /** `false`: an empty database, for testing the migrations themselves. Default `true`. */
  migrate?: boolean;
  /** Watches the test database's statements and connections, as `createDb`'s option does. */
  observer?: DbObserver;
}

/**
 * The databases integration tests run on: always `pglite`, plus `postgres` when `DATABASE_URL`
 * is set. Use with `describe.each(databaseKindsUnderTest())('… on %s', (kind) => …)`.
 */
export function databaseKindsUnderTest(): DbKind[] {
  return databaseUrlFromEnv() === undefined ? ['pglite'] : ['pglite', 'postgres'];
}

/**
 * Creates a database that no other test sees, migrated to latest (empty with `migrate: false`).
 *
 * - `pglite`: a new in-memory PGlite loaded from a migrated snapshot, built once and cached on
 *   disk (see below).
 * - `postgres`: `CREATE DATABASE sb_test_<random> TEMPLATE sb_template_<schema hash>` through the
 *   connection of `DATABASE_URL` (which needs the CREATEDB privilege). The template is migrated
 *   once per schema version and shared by every process; stale ones are dropped.
 *
 * Call `destroy()` when done (e.g. in `afterAll`): PGlite instances hold memory, and PostgreSQL
 * databases outlive the process otherwise.
 *
 * @throws {DbError} `INVALID_CONFIG` for `postgres` without `DATABASE_URL`.
 */
export async function createTestDatabase(
  kind: DbKind,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const migrate = options.migrate ?? true;
  return kind === 'pglite'
    ? createPgliteDatabase(name, migrate, options.observer)
    : createPostgresDatabase(name, migrate, options);
}

// --- PGlite: load a snapshot ------------------------------------------------------------------
// Starting PGlite from scratch runs initdb (a second or two) and migrating adds more; loading a
// dump of an instance in that state takes a few hundred milliseconds. Vitest runs each test file
// in a fresh module graph, so the dumps are also kept on disk, keyed by PGlite's version and the
// schema fingerprint, for the next file and the next run.

const SNAPSHOT_DIR = join(tmpdir(), 'switchboard-db-snapshots');
const snapshots = new Map<string, Promise<Blob>>();

/** A dump of a fresh PGlite (`empty`) or of one migrated to latest. */
function pgliteSnapshot(state: 'empty' | 'migrated'): Promise<Blob> {
  let snapshot = snapshots.get(state);
  if (snapshot === undefined) {
    snapshot = cachedOnDisk(state, () => buildSnapshot(state)).catch((error: unknown) => {
      snapshots.delete(state);
      throw error;
    });
    snapshots.set(state, snapshot);
  }
  return snapshot;
}

/** The installed PGlite's version: a dump only loads into the PGlite that wrote it. */
function pgliteVersion(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const manifest: unknown = JSON.parse(
      readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'),
    );
    const version = (manifest as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

async function buildSnapshot(state: 'empty' | 'migrated'): Promise<Blob> {
  if (state === 'empty') {
    const pglite = await PGlite.create();
    try {
      return await pglite.dumpDataDir('none');
    } finally {
      await pglite.close();
    }
  }
  const pglite = await PGlite.create({ loadDataDir: await pgliteSnapshot('empty') });
  const { db, close } = openPglite(pglite);
  try {
    await migrateToLatest(db);
    return await pglite.dumpDataDir('none');
  } finally {
    await close();
  }
}

/**
 * Reads the snapshot from the cache folder, or builds and stores it (written to a temporary file
 * and renamed, so concurrent processes never read half a file). Older snapshots are removed.
 */
async function cachedOnDisk(
  state: 'empty' | 'migrated',
  build: () => Promise<Blob>,
): Promise<Blob> {
  const version = pgliteVersion();
  if (version === undefined) return build();
  const schema = state === 'migrated' ? await schemaFingerprint() : 'initdb';
  const prefix = `pglite-${version}-${state}-`;
  const file = join(SNAPSHOT_DIR, `${prefix}${schema}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // Not cached yet (or unreadable): build it below.
  }
  const snapshot = await build();
  try {
    await mkdir(SNAPSHOT_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
    await writeFile(partial, new Uint8Array(await snapshot.arrayBuffer()));
    await rename(partial, file);
    const stale = (await readdir(SNAPSHOT_DIR)).filter(
      (name) => name.startsWith('pglite-') && name.includes(`-${state}-`) && name.endsWith('.tar'),
    );
    for (const name of stale) {
      if (join(SNAPSHOT_DIR, name) !== file) await rm(join(SNAPSHOT_DIR, name), { force: true });
    }
  } catch {
    // A cache that cannot be written only costs time.
  }
  return snapshot;
}

async function createPgliteDatabase(
  name: string,
  migrate: boolean,
  observer: DbObserver | undefined,
): Promise<TestDatabase> {
  const state = migrate ? 'migrated' : 'empty';
  const load = async () =>
    PGlite.create({ loadDataDir: await pgliteSnapshot(state), ...pgliteOptions });
  let pglite: PGlite;
  try {
    pglite = await load();
  } catch {
    // A cached dump that no longer loads (damaged, or written by another PGlite): rebuild once.
    snapshots.clear();
    await rm(SNAPSHOT_DIR, { recursive: true, force: true });
    pglite = await load();
  }
  const { db, close } = openPglite(pglite, observer);
  return { db, kind: 'pglite', name, url: undefined, destroy: close };
}

// --- PostgreSQL: clone a template database ----------------------------------------------------

const TEMPLATE_PREFIX = 'sb_template_';
/** Serializes template builds across processes (any constant; it only has to be ours). */
const TEMPLATE_LOCK = 2_026_112_512;
const UNDEFINED_DATABASE = '3D000';

interface Server {
  readonly url: string;
  /** Runs CREATE/DROP DATABASE; lets the process exit once idle. */
  readonly admin: pg.Pool;
  template: Promise<string> | undefined;
}

let server: Server | undefined;

function postgresServer(): Server {
  const url = databaseUrlFromEnv();
  if (url === undefined) {
    throw new DbError(
      'INVALID_CONFIG',
      "createTestDatabase('postgres') needs DATABASE_URL; run only databaseKindsUnderTest().",
    );
  }
  if (server?.url !== url) {
    const admin = new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
    admin.on('error', () => {
      // An idle admin connection dropped; the pool reconnects on the next query.
    });
    server = { url, admin, template: undefined };
  }
  return server;
}

async function createPostgresDatabase(
  name: string,
  migrate: boolean,
  options: TestDatabaseOptions,
): Promise<TestDatabase> {
  const target = postgresServer();
  const clone = async () => {
    if (!migrate) {
      await target.admin.query(`create database ${quote(name)}`);
      return;
    }
    target.template ??= buildTemplate(target).catch((error: unknown) => {
      target.template = undefined;
      throw error;
    });
    const template = await target.template;
    await target.admin.query(`create database ${quote(name)} template ${quote(template)}`);
  };
  try {
    await clone();
  } catch (error) {
    // Another checkout with other migrations replaced the template: build ours again, once.
    if (pgErrorOf(error)?.code !== UNDEFINED_DATABASE) throw error;
    target.template = undefined;
    await clone();
  }

  const url = withDatabase(target.url, name);
  let dropping: Promise<void> | undefined;
  const { db, close } = openPostgres(url, {
    poolMax: options.poolMax ?? 4,
    ...(options.observer && { observer: options.observer }),
    // `pg`'s pool.end() resolves before its sockets are closed, so the forced DROP below may
    // still terminate one of them: expected then, worth reporting before.
    onError: (error) => {
      if (dropping === undefined) console.error(`[@switchboard/db] ${name}:`, error.message);
    },
  });
  const destroy = () => {
    dropping ??= close().then(async () => {
      await target.admin.query(`drop database if exists ${quote(name)} with (force)`);
    });
    return dropping;
  };
  return { db, kind: 'postgres', name, url, destroy };
}

/**
 * Ensures `sb_template_<fingerprint>` exists, migrated and marked as a template, and returns its
 * name. Concurrent processes wait on an advisory lock, so exactly one of them builds it.
 */
async function buildTemplate(target: Server): Promise<string> {
  const template = `${TEMPLATE_PREFIX}${await schemaFingerprint()}`;
  const client = await target.admin.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const existing = await client.query<{ datistemplate: boolean }>(
        'select datistemplate from pg_database where datname = $1',
        [template],
      );
      if (existing.rows[0]?.datistemplate) return template;
      // Left half-built by a process that died: start over.
      if (existing.rows[0]) await client.query(`drop database ${quote(template)} with (force)`);

      await client.query(`create database ${quote(template)}`);
      const { db, close } = openPostgres(withDatabase(target.url, template), { poolMax: 1 });
      try {
        await migrateToLatest(db);
      } finally {
        await close();
      }
      // No connections: CREATE DATABASE … TEMPLATE refuses a source that has any.
      await client.query(
        `alter database ${quote(template)} with is_template true allow_connections false`,
      );
      // When it was built, so other checkouts sharing the server keep their templates a while.
      await client.query(`comment on database ${quote(template)} is '${Date.now()}'`);
      await dropStaleTemplates(client, template);
      return template;
    } finally {
      await client.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** Templates of other schemas built this recently stay: another checkout may be cloning them. */
const STALE_TEMPLATE_MS = 60 * 60 * 1000;

/**
 * Drops the templates of other schema versions built over an hour ago. Best effort: one being
 * cloned stays. Several checkouts (branches with other migrations) may share one server, each
 * with its own template: dropping every other one at once made them rebuild in turn, and a clone
 * could lose its template between the build and CREATE DATABASE.
 */
async function dropStaleTemplates(client: pg.PoolClient, current: string): Promise<void> {
  const stale = await client.query<{ datname: string; built: string | null }>(
    `select datname, shobj_description(oid, 'pg_database') as built from pg_database
      where starts_with(datname, $1) and datname <> $2`,
    [TEMPLATE_PREFIX, current],
  );
  for (const { datname, built } of stale.rows) {
    if (built && /^\d+$/.test(built) && Date.now() - Number(built) < STALE_TEMPLATE_MS) continue;
    try {
      await client.query(`alter database ${quote(datname)} with is_template false`);
      await client.query(`drop database ${quote(datname)}`);
    } catch {
      // In use by a concurrent clone; a later build drops it.
    }
  }
}

function quote(identifier: string): string {
  return pg.escapeIdentifier(identifier);
}

function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}
