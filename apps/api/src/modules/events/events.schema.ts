import { z } from 'zod';

/**
 * Switchboard's lifecycle events, as webhooks deliver them and other services read them: one
 * envelope, a stable `data` shape per type. The object fields are the public ones the API returns
 * (never tokens, secrets or tool arguments). Import them from `@switchboard/api/events`.
 */

const scope = z.object({ kind: z.enum(['user', 'org']), id: z.string() });

/** Who caused the change: a person, Composio (an account expired upstream), or Switchboard. */
export const eventActorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string() }),
  z.object({ kind: z.literal('composio') }),
  z.object({ kind: z.literal('system') }),
]);
export type EventActor = z.infer<typeof eventActorSchema>;

/** A connected account as the API shows it (`connections.get`). */
export const connectionDataSchema = z.object({
  id: z.string(),
  toolkit: z.string(),
  scope,
  label: z.string().nullable(),
  upstreamIdentity: z.string().nullable(),
  status: z.string(),
  statusReason: z.string().nullable(),
  isDefault: z.boolean(),
  connectedAt: z.string(),
  connectedBy: z.string().nullable(),
});

const policyDataSchema = z.object({
  toolkit: z.string(),
  scope: z.enum(['org', 'user']),
  connectRoles: z.array(z.string()),
  executeRoles: z.array(z.string()),
  allowTools: z.array(z.string()).nullable(),
  denyTools: z.array(z.string()),
  requireExplicitSelection: z.boolean(),
  authConfigId: z.string().nullable(),
  approvalTools: z.array(z.string()),
  approveRoles: z.array(z.string()),
});

const role = z.enum(['owner', 'admin', 'member', 'viewer']);

/** Each event type and the shape of its `data`. */
export const EVENT_DATA = {
  /** Someone started connecting a toolkit (or re-authorizing an account). */
  'connection.requested': z.object({
    requestId: z.string(),
    toolkit: z.string(),
    label: z.string().nullable(),
    reconnectOf: z.string().nullable(),
    expiresAt: z.string(),
  }),
  /** A new account is connected and mapped to its scope. */
  'connection.activated': z.object({ requestId: z.string(), connection: connectionDataSchema }),
  /** A connection request ended without an account (denied, failed, expired, cancelled). */
  'connection.failed': z.object({
    requestId: z.string(),
    toolkit: z.string(),
    status: z.enum(['FAILED', 'EXPIRED']),
    reason: z.string().nullable(),
  }),
  /** An account's credentials expired or were revoked upstream: it needs reconnecting. */
  'connection.expired': z.object({ connection: connectionDataSchema }),
  /** A broken account was authorized again in place (same id, label and pin). */
  'connection.reconnected': z.object({ requestId: z.string(), connection: connectionDataSchema }),
  'connection.disabled': z.object({ connection: connectionDataSchema }),
  'connection.enabled': z.object({ connection: connectionDataSchema }),
  'connection.deleted': z.object({ id: z.string(), toolkit: z.string() }),
  /** The scope's pinned default for a toolkit changed (`connection` null: no default now). */
  'connection.default_changed': z.object({
    toolkit: z.string(),
    connection: connectionDataSchema.nullable(),
    previousDefaultId: z.string().nullable(),
  }),
  'member.added': z.object({ userId: z.string(), role }),
  'member.role_changed': z.object({ userId: z.string(), role, previousRole: role }),
  'member.removed': z.object({ userId: z.string(), previousRole: role }),
  /** A toolkit policy was set (`policy`) or removed (`policy` null). */
  'policy.changed': z.object({ toolkit: z.string(), policy: policyDataSchema.nullable() }),
  /** A member's call of a tool the policy holds waits for an approver (never its arguments). */
  'approval.requested': z.object({
    approvalId: z.string(),
    tool: z.string(),
    toolkit: z.string(),
    connectedAccountId: z.string(),
    requestedBy: z.string(),
    expiresAt: z.string(),
  }),
  /** An approver approved or denied a held call. */
  'approval.decided': z.object({
    approvalId: z.string(),
    tool: z.string(),
    toolkit: z.string(),
    requestedBy: z.string(),
    decision: z.enum(['approved', 'denied']),
    note: z.string().nullable(),
  }),
  /** A tool execution was refused (opt-in: it can be loud). */
  'execution.denied': z.object({
    executionId: z.string(),
    tool: z.string(),
    toolkit: z.string(),
    reason: z.string(),
    channel: z.enum(['trpc', 'mcp']),
  }),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[];

/** Types a subscription receives only when it names them. */
export const OPT_IN_EVENT_TYPES: readonly EventType[] = ['execution.denied'];

export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

/** Every event carries these; `data` is its type's. */
export const eventEnvelopeSchema = z.object({
  id: z.string(),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  occurredAt: z.string(),
  scope,
  actor: eventActorSchema,
  data: z.record(z.string(), z.unknown()),
});

export type SwitchboardEvent = {
  [T in EventType]: {
    id: string;
    type: T;
    occurredAt: string;
    scope: { kind: 'user' | 'org'; id: string };
    actor: EventActor;
    data: EventData<T>;
  };
}[EventType];

/** Parses an event as a receiver gets it, checking its `data` against its type's shape. */
export function parseEvent(value: unknown): SwitchboardEvent {
  const envelope = eventEnvelopeSchema.parse(value);
  const data = EVENT_DATA[envelope.type].parse(envelope.data);
  return { ...envelope, data } as SwitchboardEvent;
}
