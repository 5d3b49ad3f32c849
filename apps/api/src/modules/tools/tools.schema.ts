import { z } from 'zod';
import {
  accountIdInput,
  optionalOrgId,
  scopeOutput,
  toolInput,
  toolkitInput,
} from '../shared.schema.js';

/**
 * JSON-safe tool arguments: an object, of bounded depth, without prototype keys. The raw value is
 * checked before zod copies it, since copying a `__proto__` key would hide it.
 */
export const toolArgumentsInput = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'arguments must be an object' });
      return;
    }
    const problem = unsafeJson(value, 0);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .pipe(z.record(z.string(), z.unknown())) as unknown as z.ZodType<
  Record<string, unknown>,
  Record<string, unknown>
>;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 16;

function unsafeJson(value: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `arguments nest deeper than ${MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = unsafeJson(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `argument key "${key}" is not allowed`;
      const problem = unsafeJson(item, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

export const listToolsInput = z
  .object({
    orgId: optionalOrgId,
    toolkits: z.array(toolkitInput).min(1).max(20).optional(),
    tools: z.array(toolInput).min(1).max(100).optional(),
    search: z.string().trim().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .strict()
  .refine((input) => input.toolkits || input.tools || input.search, {
    message: 'name toolkits, tools or a search',
  });

export const listedToolOutput = z.object({
  slug: z.string(),
  toolkit: z.string(),
  name: z.string(),
  description: z.string(),
  inputParameters: z.record(z.string(), z.unknown()),
  scope: scopeOutput,
  canExecute: z.boolean(),
});

/**
 * A caller's key for one execution (an `Idempotency-Key`, as HTTP APIs call it): visible ASCII
 * only, so what is stored is exactly what was sent (a UUID, a hash, `order-42-retry`).
 */
export const idempotencyKeyInput = z
  .string()
  .min(1, 'must be 1–255 characters')
  .max(255, 'must be 1–255 characters')
  .regex(/^[\x21-\x7E]+$/, 'must be visible ASCII characters (no spaces or control characters)');

export const executeInput = z
  .object({
    tool: toolInput,
    arguments: toolArgumentsInput.default({}),
    orgId: optionalOrgId,
    connectedAccountId: accountIdInput.optional(),
    idempotencyKey: idempotencyKeyInput.optional(),
  })
  .strict();

export const executeOutput = z.object({
  executionId: z.string(),
  successful: z.boolean(),
  data: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  connectedAccountId: z.string(),
  scope: scopeOutput,
});
