import { randomBytes, randomUUID } from 'node:crypto';
import type { Scope, UserId } from '@switchboard/identity';
import { AppError, notFound } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import type { EventType } from '../events/events.schema.js';
import { publicScope } from '../scope-columns.js';
import { checkTargetUrl } from './targets.js';
import {
  deleteEndpoint,
  deliveriesOf,
  deliveryCounts,
  endpointsOf,
  insertEndpoint,
  requeueDelivery,
  updateEndpoint,
  type WebhookEndpoint,
} from './webhooks.repo.js';

/** How long the secret before a rotation keeps signing beside the new one. */
const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function rulesOf(deps: AppDeps) {
  return {
    allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    requireHttps: deps.config.NODE_ENV === 'production',
  };
}

export async function toEndpointView(deps: AppDeps, endpoint: WebhookEndpoint) {
  const counts = await deliveryCounts(deps.db, endpoint.id);
  return {
    id: endpoint.id,
    scope: publicScope(endpoint.scope),
    url: endpoint.url,
    events: endpoint.eventTypes as EventType[],
    description: endpoint.description,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    failingSince: endpoint.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt:
      endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > deps.now()
        ? endpoint.previousSecretExpiresAt.toISOString()
        : null,
    createdBy: endpoint.createdBy,
    createdAt: endpoint.createdAt.toISOString(),
    deliveries: {
      pending: counts.pending ?? 0,
      delivered: counts.delivered ?? 0,
      failed: counts.failed ?? 0,
    },
  };
}

/** Subscribes a URL to the scope's events; the signing secret is in this answer only. */
export async function createEndpoint(
  deps: AppDeps,
  scope: Scope,
  createdBy: UserId,
  input: { url: string; events: EventType[]; description?: string | undefined },
) {
  const url = checkTargetUrl(input.url, rulesOf(deps));
  const secret = newSecret();
  const endpoint = await insertEndpoint(deps.db, {
    id: randomUUID(),
    scope,
    url: url.toString(),
    eventTypes: [...new Set(input.events)],
    description: input.description ?? null,
    secret,
    createdBy,
    createdAt: deps.now(),
  });
  return { ...(await toEndpointView(deps, endpoint)), secret };
}

export async function listEndpoints(deps: AppDeps, scope: Scope) {
  return Promise.all((await endpointsOf(deps.db, scope)).map((e) => toEndpointView(deps, e)));
}

export async function changeEndpoint(
  deps: AppDeps,
  endpoint: WebhookEndpoint,
  input: {
    url?: string | undefined;
    events?: EventType[] | undefined;
    description?: string | null | undefined;
    enabled?: boolean | undefined;
  },
) {
  const url =
    input.url === undefined ? undefined : checkTargetUrl(input.url, rulesOf(deps)).toString();
  const enabling = input.enabled === true && !endpoint.enabled;
  const updated = await updateEndpoint(
    deps.db,
    endpoint.id,
    {
      ...(url !== undefined ? { url } : {}),
      ...(input.events !== undefined ? { eventTypes: [...new Set(input.events)] } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      // Turned back on: a fresh start; turned off by hand: say so.
      ...(enabling ? { disabledReason: null, failingSince: null } : {}),
      ...(input.enabled === false ? { disabledReason: 'BY_USER' } : {}),
    },
    deps.now(),
  );
  if (!updated) throw notFound('Webhook endpoint');
  return toEndpointView(deps, updated);
}

export async function removeEndpoint(deps: AppDeps, endpoint: WebhookEndpoint) {
  await deleteEndpoint(deps.db, endpoint.id);
  return { endpointId: endpoint.id, deleted: true as const };
}

/** A new secret; the old one keeps signing beside it for a day, so receivers can switch over. */
export async function rotateSecret(deps: AppDeps, endpoint: WebhookEndpoint) {
  const now = deps.now();
  const secret = newSecret();
  const updated = await updateEndpoint(
    deps.db,
    endpoint.id,
    {
      secret,
      previousSecret: endpoint.secret,
      previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
    },
    now,
  );
  if (!updated) throw notFound('Webhook endpoint');
  return { ...(await toEndpointView(deps, updated)), secret };
}

const CURSOR = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\|([0-9a-f-]{36})$/;

export async function listDeliveries(
  deps: AppDeps,
  endpoint: WebhookEndpoint,
  page: { cursor?: string | undefined; limit: number },
) {
  let before: { createdAt: Date; id: string } | undefined;
  if (page.cursor !== undefined) {
    const match = CURSOR.exec(page.cursor);
    if (!match) throw new AppError('INVALID_INPUT', 'cursor is not one webhooks.deliveries gave');
    before = { createdAt: new Date(match[1] as string), id: match[2] as string };
  }
  const rows = await deliveriesOf(deps.db, endpoint.id, { before, limit: page.limit + 1 });
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => ({
      id: row.id,
      eventId: row.eventId,
      eventType: row.eventType,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
      lastStatusCode: row.lastStatusCode,
      lastError: row.lastError,
      createdAt: row.createdAt.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
      attemptLog: row.attemptLog.map((attempt) => ({
        ...attempt,
        attemptedAt: attempt.attemptedAt.toISOString(),
      })),
    })),
    nextCursor:
      rows.length > page.limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null,
  };
}

/** Sends a delivery again, whatever became of it (the receiver lost it, or was down a day). */
export async function redeliver(deps: AppDeps, deliveryId: string) {
  await requeueDelivery(deps.db, deliveryId, deps.now());
  deps.deliveries?.wake();
  return { deliveryId, status: 'pending' as const };
}
