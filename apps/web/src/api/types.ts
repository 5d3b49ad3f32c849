import type { AppRouter } from '@switchboard/api';
import type { TRPCClientErrorLike } from '@trpc/client';
import type { inferInput, inferOutput, TRPCOptionsProxy } from '@trpc/tanstack-react-query';

type Api = TRPCOptionsProxy<AppRouter>;

/** Shapes of the API's outputs, inferred from the router's type: no hand-written copies. */
export type Me = inferOutput<Api['me']['get']>;
export type OrgMembership = Me['orgs'][number];
export type Role = OrgMembership['role'];
export type Connection = inferOutput<Api['connections']['list']>[number];
export type ConnectionStatus = Connection['status'];
export type Scope = Connection['scope'];
export type Toolkit = inferOutput<Api['toolkits']['list']>[number];
export type Tool = inferOutput<Api['tools']['list']>[number];
export type ExecuteResult = inferOutput<Api['tools']['execute']>;
export type Member = inferOutput<Api['orgs']['members']['list']>[number];
export type Policy = inferOutput<Api['policies']['list']>[number];
export type PolicyInput = inferInput<Api['policies']['set']>;
export type AuditPage = inferOutput<Api['audit']['list']>;
export type AuditEntry = AuditPage['items'][number];
export type AuditOutcome = AuditEntry['outcome'];
export type AuditChannel = AuditEntry['channel'];
export type AuditEventsPage = inferOutput<Api['audit']['events']>;
export type AuditEvent = AuditEventsPage['items'][number];
export type PendingRequest = inferOutput<Api['connections']['pending']>[number];
export type Approval = inferOutput<Api['approvals']['list']>[number];
export type ApprovalStatus = Approval['status'];

/** What the API's error formatter adds to every error: the stable reason and its details. */
export type ApiErrorData = NonNullable<TRPCClientErrorLike<AppRouter>['data']>;
/** Every reason the API can fail with (apps/api/src/errors.ts), as the router's type states it. */
export type Reason = ApiErrorData['reason'];
