import type { AccountRecord, WriteKind } from '../state/types.js';

/**
 * The subset of JSON Schema the catalog uses (and `@composio/core`'s tool schema accepts). A type
 * alias, not an interface, so it is assignable to the client's `{ [key: string]: unknown }`.
 */
export type JsonSchema = {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  examples?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  nullable?: boolean;
  additionalProperties?: boolean;
};

/** What a tool sees: the account it acts for (always ACTIVE, with an identity) and the clock. */
export interface ToolContext {
  account: AccountRecord;
  identity: string;
  now: number;
  /** Notes a write (message sent, issue created) in the emulator's outbox for tests to inspect. */
  record(kind: WriteKind, summary: Record<string, unknown>): void;
}

/** A tool's result: Composio reports a failure as `200 { successful: false, error }`. */
export type ToolOutcome =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: string };

/** MCP's behaviour hints, which Composio carries as tool tags. */
export type ToolHint = 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint';

/** The hints of a tool that only reads: it changes nothing, and repeating it changes nothing. */
export const READS: ToolHint[] = ['readOnlyHint', 'idempotentHint', 'openWorldHint'];
/** The hints of a tool that writes to the provider (sends, creates). */
export const WRITES: ToolHint[] = ['openWorldHint'];
/** The hints of a tool that destroys something at the provider (deletes a channel). */
export const DESTROYS: ToolHint[] = ['destructiveHint', 'openWorldHint'];

interface ToolMeta {
  slug: string;
  name: string;
  description: string;
  toolkit: string;
  /** Listed by `tools?important=true` (what `tools.get(userId, { toolkits })` asks for). */
  important: boolean;
  /** Reported among the tool's `tags`, as Composio does. */
  hints: ToolHint[];
  scopes: string[];
  input: JsonSchema & { type: 'object'; properties: Record<string, JsonSchema> };
  /** The JSON Schema of `data`, reported as `output_parameters.properties.data`. */
  output: JsonSchema;
}

/** A tool in the catalog, its arguments already validated against `input`. */
export interface Tool extends ToolMeta {
  run(ctx: ToolContext, args: Record<string, unknown>): ToolOutcome;
}

/**
 * Declares a tool with typed arguments. `A` must describe what `input` accepts: the registry
 * validates arguments with ajv before `run` is called, which is what makes the cast below sound.
 */
export function defineTool<A>(
  spec: ToolMeta & { run(ctx: ToolContext, args: A): ToolOutcome },
): Tool {
  const { run, ...meta } = spec;
  return { ...meta, run: (ctx, args) => run(ctx, args as A) };
}

export const ok = (data: Record<string, unknown>): ToolOutcome => ({ ok: true, data });
export const fail = (error: string): ToolOutcome => ({ ok: false, error });

/** The ISO time of a clock reading. */
export const iso = (ms: number): string => new Date(ms).toISOString();
