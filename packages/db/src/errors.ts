/** Why `@switchboard/db` refused or failed. */
export type DbErrorReason = 'INVALID_CONFIG' | 'MIGRATION_FAILED' | 'TEST_DATABASE_FAILED';

/** The error this package throws for its own failures (database errors pass through as they are). */
export class DbError extends Error {
  override name = 'DbError';
  constructor(
    readonly reason: DbErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** SQLSTATE codes callers branch on. Both drivers report the same codes. */
export const PgErrorCode = {
  notNullViolation: '23502',
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
} as const;
export type PgErrorCode = (typeof PgErrorCode)[keyof typeof PgErrorCode];

/** What a PostgreSQL error says about itself, whichever driver raised it. */
export interface PgErrorInfo {
  /** The SQLSTATE, e.g. `23505`. */
  code: string;
  /** The violated constraint or index, when the error names one. */
  constraint: string | undefined;
  table: string | undefined;
  detail: string | undefined;
}

/**
 * Reads a PostgreSQL error raised by `pg` or PGlite, so callers can map a unique violation to a
 * conflict without knowing which driver runs. Returns `undefined` for anything else.
 */
export function pgErrorOf(error: unknown): PgErrorInfo | undefined {
  // Both drivers' DatabaseError carry `code` (SQLSTATE) and `severity`; Node's system errors have
  // a `code` but no `severity`.
  if (!(error instanceof Error) || !('severity' in error) || !('code' in error)) return undefined;
  const { code } = error;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  return {
    code,
    constraint: stringField(error, 'constraint'),
    table: stringField(error, 'table'),
    detail: stringField(error, 'detail'),
  };
}

function stringField(error: Error, key: string): string | undefined {
  const value: unknown = (error as unknown as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A one-line description of any thrown value. Node reports a refused connection to a host with
 * several addresses (`localhost`) as an AggregateError with an empty message; list its parts.
 *
 * @internal
 */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
