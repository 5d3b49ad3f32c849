import type { z } from 'zod';

/** A zod schema as tRPC takes a parser: the types from `_input`/`_output`, the check from `parse`. */
export interface SyncParser<S extends z.ZodType> {
  readonly _input: z.input<S>;
  readonly _output: z.output<S>;
  readonly schema: S;
  parse(value: unknown): z.output<S>;
}

/**
 * A schema for a procedure's `.input()` or `.output()`, checked synchronously. Handed a zod schema,
 * tRPC calls its `parseAsync`, which keeps zod off its compiled fast path for objects (an order of
 * magnitude slower on a listing's output; docs/performance.md). The same schema, the same
 * ZodError on bad data; none of the API's schemas refines asynchronously (zod's `parse` would
 * throw if one did, and every procedure's tests would fail).
 */
export function parsed<S extends z.ZodType>(schema: S): SyncParser<S> {
  return { schema, parse: (value: unknown) => schema.parse(value) } as SyncParser<S>;
}
