import type { Action, OrgId, UserId } from '@switchboard/identity';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { type Acting, actingAs, routeIn, type ScopesRead } from '../access/acting.js';
import { authorizeApproval } from '../access/approvals.js';
import { authorize } from '../access/authorize.js';
import { authorizeChange } from '../access/changes.js';
import { loadCaller, loadCallerWithAccounts, verifyBearer } from '../auth/authenticate.js';
import { AppError, notFound } from '../errors.js';
import { approvalById } from '../modules/approvals/approvals.repo.js';
import { accountById } from '../modules/connections/accounts.repo.js';
import { accountIdInput } from '../modules/shared.schema.js';
import { deliveryById, endpointById } from '../modules/webhooks/webhooks.repo.js';
import { toAppError } from '../platform/error-mapping.js';
import type { Context } from './context.js';
import { baseProcedure } from './init.js';
import { parsed } from './parsed.js';

/**
 * The one place errors become tRPC's: the API's own, and database or Composio failures, mapped
 * by `toAppError` to a code and a reason. Anything else stays INTERNAL.
 */
function asTrpcError(cause: unknown): TRPCError | undefined {
  const error = toAppError(cause);
  if (!(error instanceof AppError)) return undefined;
  return new TRPCError({ code: error.code, message: error.message, cause: error });
}

/**
 * A procedure that first works out `prepare`'s additions to the context (who is calling), all
 * in one middleware: each tRPC middleware copies the call's options and context again, a
 * measurable share of a cheap procedure's CPU. The call is tracked for a shutdown that waits for
 * it, and errors are mapped here; in tRPC v11 `next()` never throws, so its result is inspected
 * rather than caught.
 */
function procedureWith<Added extends object>(prepare: (ctx: Context) => Promise<Added>) {
  return baseProcedure.use(({ ctx, next, path }) =>
    ctx.deps.telemetry.procedure(
      path,
      () =>
        ctx.deps.inFlight.track(async () => {
          let added: Added;
          try {
            added = await prepare(ctx);
          } catch (error) {
            throw asTrpcError(error) ?? error;
          }
          const result = await next({ ctx: added });
          if (result.ok) return result;
          const mapped = asTrpcError(result.error.cause);
          if (mapped) throw mapped;
          return result;
        }),
      codeOf,
    ),
  );
}

/** The tRPC code a call ended with (what metrics and traces record): a thrown error's, or OK. */
function codeOf(outcome: { ok: boolean; error?: TRPCError } | Error): string {
  if (outcome instanceof TRPCError) return outcome.code;
  if (outcome instanceof Error) return 'INTERNAL_SERVER_ERROR';
  return outcome.ok ? 'OK' : (outcome.error?.code ?? 'INTERNAL_SERVER_ERROR');
}

export const publicProcedure = procedureWith(async () => ({})).meta({ auth: 'public' });

/** The caller is known (token verified, memberships read); nothing is authorized yet. */
export const authedProcedure = procedureWith(async (ctx) => {
  const principal = await loadCaller(ctx.deps, await verifyBearer(ctx.deps, ctx.authorization));
  return { principal, userId: principal.userId };
}).meta({ auth: 'signed-in' });

/**
 * Only the bearer token is verified: for procedures that read the caller together with their
 * own data in one statement once their input is known, and authorize from that read (the
 * execution path, {@link scopeAccountsProcedure}).
 */
export const tokenVerifiedProcedure = procedureWith(async (ctx) => ({
  userId: await verifyBearer(ctx.deps, ctx.authorization),
})).meta({ auth: 'signed-in' });

type NamesOrg = { orgId?: OrgId | undefined } | undefined;

/** What an organization-wide change is about, for the log: the toolkit or member it names. */
function subjectOf(input: unknown): string | null {
  const { toolkit, userId } = (input ?? {}) as { toolkit?: unknown; userId?: unknown };
  if (typeof toolkit === 'string') return toolkit;
  if (typeof userId === 'string') return userId;
  return null;
}

/**
 * Acting personally, or in the organization the input names: the organization is NOT_FOUND
 * unless the caller is a member, and `action` is authorized on the scope acted in.
 */
export function scopedProcedure<S extends z.ZodType<NamesOrg>>(action: Action, input: S) {
  return authedProcedure
    .meta({ action })
    .input(parsed(input))
    .use(async ({ ctx, input, next }) => {
      const acting = actingAs(ctx.principal, (input as NamesOrg)?.orgId);
      authorize(ctx.principal, action, { scope: acting.scope });
      return next({ ctx: { acting } });
    });
}

/** Acting in the organization the input names, with `action` authorized on it. */
export function orgProcedure<S extends z.ZodType<{ orgId: OrgId }>>(action: Action, input: S) {
  return authedProcedure
    .meta({ action })
    .input(parsed(input))
    .use(async ({ ctx, input, next }) => {
      const acting = actingAs(ctx.principal, (input as { orgId: OrgId }).orgId);
      await authorizeChange(
        ctx.deps,
        ctx.principal,
        action,
        { scope: acting.scope },
        { subject: subjectOf(input), channel: 'trpc' },
      );
      if (!acting.org) throw new AppError('NOT_FOUND', 'Organization was not found');
      return next({ ctx: { acting, org: acting.org } });
    });
}

type NamesToolkit = { toolkit: string; orgId?: OrgId | undefined };

/**
 * An action on one toolkit in the context the input names (connecting it): the toolkit is routed
 * to the scope its organization's policy says (rule 4), and `action` authorized there.
 */
export function toolkitProcedure<S extends z.ZodType<NamesToolkit>>(action: Action, input: S) {
  return authedProcedure
    .meta({ action })
    .input(parsed(input))
    .use(async ({ ctx, input, next }) => {
      const { toolkit, orgId } = input as NamesToolkit;
      const acting: Acting = actingAs(ctx.principal, orgId);
      const route = routeIn(acting, toolkit);
      await authorizeChange(
        ctx.deps,
        ctx.principal,
        action,
        { scope: route.scope, toolkit, policy: route.policy },
        { subject: toolkit, channel: 'trpc' },
      );
      return next({ ctx: { acting, route } });
    });
}

/**
 * Procedures on one account of the map: the account is loaded and `action` authorized against
 * its scope before the handler runs; accounts of other scopes are NOT_FOUND.
 */
export function accountProcedure<S extends z.ZodRawShape>(action: Action, shape: S) {
  return authedProcedure
    .meta({ action })
    .input(parsed(z.object({ id: accountIdInput, ...shape }).strict()))
    .use(async ({ ctx, input, next }) => {
      const account = await accountById(ctx.deps.db, (input as { id: string }).id);
      if (!account) throw notFound('Connected account');
      await authorizeChange(
        ctx.deps,
        ctx.principal,
        action,
        { scope: account.scope, toolkit: account.toolkit },
        { subject: account.id, channel: 'trpc' },
      );
      return next({ ctx: { account } });
    });
}

/**
 * Procedures on one webhook endpoint: loaded and `action` authorized against its scope before
 * the handler runs; another scope's endpoints are NOT_FOUND.
 */
export function webhookProcedure<S extends z.ZodRawShape>(action: Action, shape: S) {
  return authedProcedure
    .meta({ action })
    .input(parsed(z.object({ endpointId: z.uuid(), ...shape }).strict()))
    .use(async ({ ctx, input, next }) => {
      const endpoint = await endpointById(
        ctx.deps.db,
        (input as { endpointId: string }).endpointId,
      );
      if (!endpoint) throw notFound('Webhook endpoint');
      await authorizeChange(
        ctx.deps,
        ctx.principal,
        action,
        { scope: endpoint.scope },
        { subject: endpoint.id, channel: 'trpc' },
      );
      return next({ ctx: { endpoint } });
    });
}

/**
 * Procedures on one held call: loaded and authorized before the handler runs. `read`: its
 * requester and its approvers; `decide`: an approver other than the requester (four eyes).
 * Anyone else gets NOT_FOUND.
 */
export function approvalProcedure<S extends z.ZodRawShape>(mode: 'read' | 'decide', shape: S) {
  return authedProcedure
    .meta({ action: 'approvals.decide' })
    .input(parsed(z.object({ approvalId: z.uuid(), ...shape }).strict()))
    .use(async ({ ctx, input, next }) => {
      const approval = await approvalById(
        ctx.deps.db,
        (input as { approvalId: string }).approvalId,
      );
      if (!approval) throw notFound('Approval');
      await authorizeApproval(ctx.deps, ctx.principal, approval, mode);
      return next({ ctx: { approval } });
    });
}

/** A delivery of an endpoint, authorized as its endpoint. */
export function deliveryProcedure(action: Action) {
  return authedProcedure
    .meta({ action })
    .input(parsed(z.object({ deliveryId: z.uuid() }).strict()))
    .use(async ({ ctx, input, next }) => {
      const delivery = await deliveryById(ctx.deps.db, input.deliveryId);
      const endpoint = delivery ? await endpointById(ctx.deps.db, delivery.endpoint_id) : undefined;
      if (!delivery || !endpoint) throw notFound('Webhook delivery');
      await authorizeChange(
        ctx.deps,
        ctx.principal,
        action,
        { scope: endpoint.scope },
        { subject: endpoint.id, channel: 'trpc' },
      );
      return next({ ctx: { endpoint, deliveryId: delivery.id } });
    });
}

/**
 * The caller and the accounts of the scopes the input names, read in one statement, with
 * `action` authorized on each of those scopes before the handler sees any of them.
 */
export function scopeAccountsProcedure<S extends z.ZodType>(
  action: Action,
  input: S,
  read: (userId: UserId, input: z.output<S>) => ScopesRead,
) {
  return tokenVerifiedProcedure
    .meta({ action })
    .input(parsed(input))
    .use(async ({ ctx, input, next }) => {
      const { scopes, wanted } = read(ctx.userId, input as z.output<S>);
      const { caller, accounts } = await loadCallerWithAccounts(ctx.deps, ctx.userId, wanted);
      for (const scope of scopes) authorize(caller, action, { scope });
      return next({ ctx: { caller, scopes, accounts } });
    });
}
