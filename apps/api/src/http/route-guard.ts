import type { Action, OrgId } from '@switchboard/identity';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { type Acting, actingAs } from '../access/acting.js';
import { authorize } from '../access/authorize.js';
import { type Caller, loadCaller, verifyBearer } from '../auth/authenticate.js';
import { AppError, type Reason } from '../errors.js';
import type { AppDeps } from '../platform/deps.js';

/**
 * What tRPC's procedure builders do, for plain routes: who calls (the bearer token, then their
 * memberships), then where they act with `action` authorized there. Routes call these first and
 * hand services only what they return; failures are AppErrors for the app's error handler.
 */
export async function signedInCaller(deps: AppDeps, req: FastifyRequest): Promise<Caller> {
  return loadCaller(deps, await verifyBearer(deps, req.headers.authorization));
}

/** The context the request names (an organization the caller is not in is NOT_FOUND, rule 2). */
export function actingWith(caller: Caller, action: Action, orgId: OrgId | undefined): Acting {
  const acting = actingAs(caller, orgId);
  authorize(caller, action, { scope: acting.scope });
  return acting;
}

/**
 * A route's query string checked with `schema`: bad input is INVALID_INPUT (or the id rule's own
 * reason), its message naming each field and what is wrong with it, as tRPC's issues do.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  let reason: Reason = 'INVALID_INPUT';
  for (const issue of result.error.issues) {
    const code =
      issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    if (code === 'INVALID_USER_ID' || code === 'INVALID_ORG_ID') reason = code;
  }
  const message = issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  throw new AppError(reason, message, { details: { issues } });
}
