import {
  ACCOUNT_STATUSES,
  orgScope,
  type Scope,
  type UserId,
  userScope,
} from '@switchboard/identity';
import { z } from 'zod';
import type { ScopesRead } from '../../access/acting.js';
import { AppError } from '../../errors.js';
import { optionalOrgId, scopeOutput, toolkitInput } from '../shared.schema.js';

export const labelInput = z.string().trim().min(1).max(100);
export const callbackUrlInput = z.string().min(1).max(2_048);

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

export const authorizeInput = z
  .object({
    toolkit: toolkitInput,
    orgId: optionalOrgId,
    label: labelInput.optional(),
    callbackUrl: callbackUrlInput.optional(),
  })
  .strict();

export const requestInput = z.object({ requestId: z.uuid() }).strict();

export const requestOutput = z.object({
  status: z.enum(['INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED']),
  statusReason: z.string().nullable(),
  toolkit: z.string(),
  scope: scopeOutput,
  expiresAt: z.string(),
  connectedAccountId: z.string().optional(),
});

export const listInput = z
  .object({
    orgId: optionalOrgId,
    toolkit: toolkitInput.optional(),
    include: z.enum(['personal', 'org', 'all']).optional(),
  })
  .strict()
  .optional();

export type ListInput = z.output<typeof listInput>;

/** The scopes a listing covers (personal, the named organization's, or both) and what to read. */
export function listedScopes(userId: UserId, input: ListInput): ScopesRead {
  const query = input ?? {};
  const include = query.include ?? (query.orgId ? 'all' : 'personal');
  const scopes: Scope[] = [];
  if (include !== 'org') scopes.push(userScope(userId));
  if (include !== 'personal') {
    if (query.orgId === undefined) {
      throw new AppError('INVALID_INPUT', `include: '${include}' needs an orgId`);
    }
    scopes.push(orgScope(query.orgId));
  }
  return {
    scopes,
    wanted: {
      toolkit: query.toolkit,
      orgId: scopes.some((scope) => scope.kind === 'org') ? query.orgId : undefined,
    },
  };
}

export const pendingRequestsOutput = z.array(
  z.object({
    requestId: z.string(),
    toolkit: z.string(),
    scope: scopeOutput,
    label: z.string().nullable(),
    reconnectOf: z.string().nullable(),
    redirectUrl: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
  }),
);

export const cancelledRequestOutput = z.object({
  requestId: z.string(),
  status: z.literal('FAILED'),
  statusReason: z.literal('CANCELLED'),
});
