import { userIdSchema } from '@switchboard/identity';
import { z } from 'zod';
import { orgIdInput, roleOutput } from '../shared.schema.js';

export const orgOutput = z.object({
  id: z.string(),
  name: z.string(),
  role: roleOutput,
  createdAt: z.string(),
});

export const membersOutput = z.array(
  z.object({
    userId: z.string(),
    displayName: z.string().nullable(),
    role: roleOutput,
    joinedAt: z.string(),
  }),
);

export const createOrgInput = z
  .object({ name: z.string().trim().min(1).max(200), id: orgIdInput.optional() })
  .strict();
export const orgInput = z.object({ orgId: orgIdInput }).strict();
export const setMemberInput = z
  .object({ orgId: orgIdInput, userId: userIdSchema, role: roleOutput })
  .strict();
export const removeMemberInput = z.object({ orgId: orgIdInput, userId: userIdSchema }).strict();
