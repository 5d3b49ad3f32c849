import { roleSchema, toolSlugSchema } from '@switchboard/identity';
import { z } from 'zod';
import { orgIdInput, toolkitInput } from '../shared.schema.js';

export const policyOutput = z.object({
  toolkit: z.string(),
  scope: z.enum(['org', 'user']),
  connectRoles: z.array(roleSchema),
  executeRoles: z.array(roleSchema),
  allowTools: z.array(z.string()).nullable(),
  denyTools: z.array(z.string()),
  requireExplicitSelection: z.boolean(),
  authConfigId: z.string().nullable(),
  approvalTools: z.array(z.string()),
  approveRoles: z.array(roleSchema),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});

const roleList = z.array(roleSchema).min(1).max(4);

export const listPoliciesInput = z.object({ orgId: orgIdInput }).strict();

export const setPolicyInput = z
  .object({
    orgId: orgIdInput,
    toolkit: toolkitInput,
    scope: z.enum(['org', 'user']),
    connectRoles: roleList.optional(),
    executeRoles: roleList.optional(),
    allowTools: z.array(toolSlugSchema).max(500).nullable().optional(),
    denyTools: z.array(toolSlugSchema).max(500).optional(),
    requireExplicitSelection: z.boolean().optional(),
    authConfigId: z.string().min(1).max(128).nullable().optional(),
    /** Tools a caller outside `approveRoles` runs on the organization's accounts only once approved. */
    approvalTools: z.array(toolSlugSchema).max(500).optional(),
    /** Who approves those calls (and runs them without asking); default owner and admin. */
    approveRoles: roleList.optional(),
  })
  .strict();

export const removePolicyInput = z.object({ orgId: orgIdInput, toolkit: toolkitInput }).strict();
