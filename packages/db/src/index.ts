export {
  createDb,
  type DatabaseHandle,
  type DbConfig,
  type DbKind,
  type DbObserver,
  DEFAULT_PGLITE_DATA_DIR,
  type PoolState,
  preparedStatement,
} from './create-db.js';
export type * from './database.js';
export { CONNECTED_ACCOUNT_STATUSES } from './database.js';
export {
  DbError,
  type DbErrorReason,
  PgErrorCode,
  type PgErrorInfo,
  pgErrorOf,
} from './errors.js';
export {
  type MigrationState,
  migrateDown,
  migrateToLatest,
  migrationStatus,
  resetSchema,
} from './migrate.js';
