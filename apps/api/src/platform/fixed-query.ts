import { type Database, preparedStatement } from '@switchboard/db';
import {
  CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  sql,
} from 'kysely';

/**
 * Builds queries without a connection, to compile them once at start-up: a query that runs on
 * every request then costs neither building nor compiling, and its fixed text is prepared once
 * per PostgreSQL connection (`preparedStatement`).
 */
export const queryBuilder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** A placeholder for one of a fixed query's values, filled in on each call. */
export interface Slot<T> {
  readonly name: string;
  /** The placeholder as a value in the query (`${slot.value}::text[]`). */
  readonly value: RawBuilder<T>;
  /** What the compiled query's parameters hold in its place. */
  readonly marker: object;
}

export function slot<T>(name: string): Slot<T> {
  // A fresh object: the compiled query's parameters hold it by reference, so it is found again.
  const marker = { slot: name };
  return { name, value: sql.val(marker as unknown as T), marker };
}

/**
 * A query compiled once, then sent with each call's values in place of its slots. Every slot
 * must appear in the query exactly once, and the query must have no other parameters.
 */
export function fixedQuery<Row, Values extends Record<string, unknown>>(
  compiled: CompiledQuery<Row>,
  slots: { [K in keyof Values]: Slot<Values[K]> },
): (values: Values) => CompiledQuery<Row> {
  const text = preparedStatement(compiled.sql);
  const names = Object.keys(slots) as Array<keyof Values>;
  const positions = names.map((name) => {
    const { marker } = slots[name];
    const at = compiled.parameters.indexOf(marker);
    if (at < 0 || compiled.parameters.lastIndexOf(marker) !== at) {
      throw new Error(`slot ${String(name)} must appear once in the query`);
    }
    return at;
  });
  if (positions.length !== compiled.parameters.length) {
    throw new Error(`the query has parameters that are not slots: ${compiled.sql}`);
  }
  return (values) => {
    const parameters: unknown[] = new Array(positions.length);
    names.forEach((name, i) => {
      parameters[positions[i] as number] = values[name];
    });
    return CompiledQuery.raw(text, parameters) as CompiledQuery<Row>;
  };
}
