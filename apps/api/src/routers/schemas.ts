import {
  ACCOUNT_STATUSES,
  orgIdSchema,
  roleSchema,
  toolkitSlugSchema,
  toolSlugSchema,
} from '@switchboard/identity';
import { z } from 'zod';

/** Shared pieces of the procedures' contracts. */
export const orgIdInput = orgIdSchema;
export const optionalOrgId = orgIdSchema.optional();
export const toolkitInput = toolkitSlugSchema;
export const toolInput = toolSlugSchema;
export const accountIdInput = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a connected account id');
export const labelInput = z.string().trim().min(1).max(100);
export const callbackUrlInput = z.string().min(1).max(2_048);

export const scopeOutput = z.object({ kind: z.enum(['user', 'org']), id: z.string() });
export const roleOutput = roleSchema;

export const connectionOutput = z.object({
  id: z.string(),
  toolkit: z.string(),
  scope: scopeOutput,
  label: z.string().nullable(),
  upstreamIdentity: z.string().nullable(),
  status: z.enum(ACCOUNT_STATUSES),
  statusReason: z.string().nullable(),
  isDefault: z.boolean(),
  connectedAt: z.string(),
  connectedBy: z.string().nullable(),
});

export const pendingConnectionOutput = z.object({
  requestId: z.string(),
  redirectUrl: z.string(),
  expiresAt: z.string(),
});

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
