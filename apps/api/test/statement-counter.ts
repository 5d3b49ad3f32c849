import type { KyselyPlugin } from 'kysely';

/** Counts the statements that reach the database through a `db.withPlugin(counter)`. */
export function statementCounter(): KyselyPlugin & { count: number } {
  const counter = {
    count: 0,
    transformQuery: (args: { node: never }) => args.node,
    transformResult: async (args: { result: never }) => {
      counter.count++;
      return args.result;
    },
  };
  return counter as never;
}
