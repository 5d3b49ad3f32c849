/**
 * The `DATABASE_URL` the test helpers and the migration CLI fall back to; an empty value counts as
 * unset. Applications read their own configuration and pass `url` to `createDb`.
 */
export function databaseUrlFromEnv(): string | undefined {
  const url = process.env.DATABASE_URL?.trim();
  return url ? url : undefined;
}
