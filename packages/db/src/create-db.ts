import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ParserOptions, PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PGliteDialect,
  PostgresDialect,
} from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { DbError } from './errors.js';

/** Which engine serves the database: PostgreSQL through `pg`, or PGlite (Postgres in WASM). */
export type DbKind = 'postgres' | 'pglite';

/** Where the database lives. Give `url` for PostgreSQL; omit it for PGlite. */
export interface DbConfig {
  /** A `postgres://` or `postgresql://` URL: connect through a `pg` pool. */
  url?: string;
  /** PGlite's data folder, created if missing. Default `.data/pglite` (relative to the cwd). */
  dataDir?: string;
  /** Run PGlite in memory: nothing is written to disk and everything is gone on `close()`. */
  inMemory?: boolean;
  /** Most connections the `pg` pool opens (PostgreSQL only). Default 10. */
  poolMax?: number;
  /**
   * Called when an idle pooled connection fails, e.g. the server restarted (PostgreSQL only). The
   * pool drops that connection and opens a new one on demand. Default: written to stderr.
   */
  onError?: (error: Error) => void;
  /** Watches every statement and the connections' state (metrics, traces). */
  observer?: DbObserver;
}

/** How busy the connections are: the `pg` pool's, or PGlite's one connection and its queue. */
export interface PoolState {
  /** Connections open. */
  connections: number;
  /** Connections running a statement or held by a transaction. */
  inUse: number;
  /**
   * Callers waiting for a connection; `undefined` on PGlite, whose callers queue in Kysely's
   * private connection mutex, where nothing can count them.
   */
  waiting: number | undefined;
}

/**
 * What the application may watch of the database without knowing its driver: each statement as
 * it is sent (a trace span around it, say) and, read on demand, the state of the connections.
 */
export interface DbObserver {
  /** Runs one statement: `run` sends `sql` and settles with its result. */
  statement?<T>(sql: string, run: () => Promise<T>): Promise<T>;
  /** Hands over, once, a way to read the connections' state when someone asks (a scrape). */
  pool?(read: () => PoolState): void;
}

/** An open database. `db` is the only thing application code queries through. */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DbKind;
  /** Ends the pool or closes PGlite. Safe to call more than once. */
  close(): Promise<void>;
}

/** The default PGlite data folder, relative to the working directory. */
export const DEFAULT_PGLITE_DATA_DIR = '.data/pglite';

const DEFAULT_POOL_MAX = 10;

/**
 * Opens the database. A `postgres://` / `postgresql://` URL selects PostgreSQL (a `pg` pool);
 * no URL selects PGlite, on disk in `dataDir` or in memory with `inMemory`. Connections open on
 * the first query, so this never blocks; a wrong URL surfaces as that query's error.
 *
 * Both drivers return the same JS values: `timestamptz` → `Date`, `int8`/`bigint` (identity ids,
 * `count(*)`) → decimal `string`, `int8[]` → `string[]`.
 *
 * @throws {DbError} `INVALID_CONFIG` for a URL of another scheme or contradictory options.
 */
export function createDb(config: DbConfig = {}): DatabaseHandle {
  const { url, dataDir, inMemory = false } = config;
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      // The URL itself is not repeated: it may hold a password.
      throw new DbError(
        'INVALID_CONFIG',
        'The database url must start with postgres:// or postgresql://; omit it to use PGlite.',
      );
    }
    if (dataDir !== undefined || inMemory) {
      throw new DbError(
        'INVALID_CONFIG',
        'Give either a PostgreSQL url or PGlite options (dataDir, inMemory), not both.',
      );
    }
    return openPostgres(url, config);
  }
  if (dataDir !== undefined && inMemory) {
    throw new DbError('INVALID_CONFIG', 'Give either dataDir or inMemory, not both.');
  }
  if (inMemory) return openPglite(() => PGlite.create(pgliteOptions), config.observer);
  const folder = resolve(dataDir ?? DEFAULT_PGLITE_DATA_DIR);
  return openPglite(async () => {
    await mkdir(folder, { recursive: true });
    return PGlite.create({ dataDir: folder, ...pgliteOptions });
  }, config.observer);
}

/** Sends each statement of `connection` through the observer. */
function observeStatements(
  connection: DatabaseConnection,
  statement: NonNullable<DbObserver['statement']>,
): void {
  const execute = connection.executeQuery.bind(connection) as DatabaseConnection['executeQuery'];
  connection.executeQuery = <R>(
    query: CompiledQuery,
    options?: Parameters<DatabaseConnection['executeQuery']>[1],
  ) => statement(query.sql, () => execute<R>(query, options));
}

/**
 * PostgreSQL's default 128 MB of shared buffers live in PGlite's WebAssembly memory, inside the
 * API's own process (docs/performance.md has what that cost). PGlite reads its data files through
 * Node's `fs`, so a page that leaves the buffers stays in the kernel's page cache and costs a
 * read, not a disk access; 8 MB hold the hot pages of an embedded database. A `-c` start
 * parameter: `postgresqlconf` would rewrite the data folder's `postgresql.conf`.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=8MB'];

/** The type oid of `int8[]`; PGlite names only scalar types. */
const INT8_ARRAY = 1016;

/**
 * PGlite reads `int8` as a number, or a bigint past 2^53; `pg` reads it as a string. Strings on
 * both keep large ids exact and give callers a single type.
 */
const pgliteParsers: ParserOptions = {
  [pgliteTypes.INT8]: (value) => value,
  [INT8_ARRAY]: (value) => pgliteTypes.arrayParser(value, (element) => element, INT8_ARRAY),
};

/** @internal How the API's PGlite and the test databases are opened. */
export const pgliteOptions = { parsers: pgliteParsers, startParams: PGLITE_START_PARAMS };

/** The `pg` defaults already read `int8` as a string; pinned here so a global override can't leak in. */
function postgresTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => value);
  return types;
}

/** @internal Also used by the test helpers. */
export function openPostgres(
  url: string,
  options: Pick<DbConfig, 'poolMax' | 'onError' | 'observer'> = {},
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? DEFAULT_POOL_MAX,
    types: postgresTypes(),
  });
  // Without a listener, an idle connection's error would crash the process. A checked-out
  // connection that dies mid-query fails that query, and also emits 'error' on its client:
  // listen there too, or a database outage would crash the process instead of failing requests.
  const onError = options.onError ?? reportIdleError;
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
    wrapQueries(client);
  });
  const { observer } = options;
  observer?.pool?.(() => ({
    connections: pool.totalCount,
    inUse: pool.totalCount - pool.idleCount,
    waiting: pool.waitingCount,
  }));
  const statement = observer?.statement?.bind(observer);
  const dialect = new PostgresDialect({
    pool,
    ...(statement && {
      onCreateConnection: async (connection) => observeStatements(connection, statement),
    }),
  });
  return handle(new Kysely<Database>({ dialect }), 'postgres');
}

/** @internal Also used by the test helpers. */
export function openPglite(
  pglite: PGlite | (() => Promise<PGlite>),
  observer?: DbObserver,
): DatabaseHandle {
  const statement = observer?.statement?.bind(observer);
  let dialect: Dialect = new PGliteDialect({
    pglite,
    ...(statement && {
      onCreateConnection: async (connection) => observeStatements(connection, statement),
    }),
  });
  if (observer?.pool) {
    // PGlite is one connection, held by one statement or transaction at a time.
    let held = false;
    dialect = watchingConnection(dialect, (isHeld) => {
      held = isHeld;
    });
    observer.pool(() => ({ connections: 1, inUse: held ? 1 : 0, waiting: undefined }));
  }
  return handle(new Kysely<Database>({ dialect }), 'pglite');
}

/** `dialect`, telling `onChange` when its driver hands a connection out and gets it back. */
function watchingConnection(dialect: Dialect, onChange: (held: boolean) => void): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => {
      const driver = dialect.createDriver();
      // The driver keeps private fields, so its methods run bound to it.
      return new Proxy(driver, {
        get(target, key) {
          if (key === 'acquireConnection') {
            return async (...args: Parameters<Driver['acquireConnection']>) => {
              const connection = await target.acquireConnection(...args);
              onChange(true);
              return connection;
            };
          }
          if (key === 'releaseConnection') {
            return async (...args: Parameters<Driver['releaseConnection']>) => {
              onChange(false);
              return target.releaseConnection(...args);
            };
          }
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}

function handle(db: Kysely<Database>, kind: DbKind): DatabaseHandle {
  let closing: Promise<void> | undefined;
  return {
    db,
    kind,
    close: () => {
      closing ??= db.destroy();
      return closing;
    },
  };
}

const preparedNames = new Map<string, string>();

/**
 * Marks a fixed SQL text as one to prepare on PostgreSQL: each connection parses and plans it
 * once, then only binds and runs it. For statements that run on every request, where parsing and
 * planning each time cost the server more than running them. Returns the text, for use with
 * `CompiledQuery.raw`. Only for texts fixed at load time: each one is kept by every connection.
 */
export function preparedStatement(sql: string): string {
  if (!preparedNames.has(sql)) {
    preparedNames.set(sql, `sb_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`);
  }
  return sql;
}

/**
 * Gives Kysely each result's rows in an array of its own and empties the driver's. Something pg
 * keeps of a finished query can already sit in V8's old generation; while it points at the rows,
 * every row survives each young-generation collection until the next full one (see
 * docs/performance.md).
 */
function detachRows(result: pg.QueryResult): pg.QueryResult {
  const rows = result.rows.slice();
  result.rows.length = 0;
  const { command, rowCount, oid, fields } = result;
  return { command, rowCount, oid, fields, rows };
}

/**
 * The connection's `query` as Kysely calls it (text and values, answered by a promise): texts
 * `preparedStatement` marked go as named statements, and every result comes with `detachRows`.
 * Other calls (a cursor, a callback) reach pg unchanged.
 */
function wrapQueries(client: pg.PoolClient) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (
    config: unknown,
    values?: unknown,
    ...rest: unknown[]
  ) => {
    if (typeof config !== 'string' || typeof values === 'function' || rest.length > 0) {
      return query(config, values, ...rest);
    }
    const name = preparedNames.get(config);
    const running =
      name && Array.isArray(values) ? query({ name, text: config, values }) : query(config, values);
    // A text of several statements (no values) is answered with one result per statement.
    return (running as Promise<pg.QueryResult | pg.QueryResult[]>).then((result) =>
      Array.isArray(result) ? result.map(detachRows) : detachRows(result),
    );
  };
}

function reportIdleError(error: Error): void {
  console.error('[@switchboard/db] idle PostgreSQL connection failed:', error.message);
}
