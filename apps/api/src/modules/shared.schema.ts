import { orgIdSchema, roleSchema, toolkitSlugSchema, toolSlugSchema } from '@switchboard/identity';
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

export const scopeOutput = z.object({ kind: z.enum(['user', 'org']), id: z.string() });
export const roleOutput = roleSchema;
