import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../events/events.schema.js';
import { optionalOrgId, scopeOutput } from '../shared.schema.js';

const eventType = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);
const uuid = z.uuid();

export const endpointOutput = z.object({
  id: z.string(),
  scope: scopeOutput,
  url: z.string(),
  events: z.array(eventType),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /** Why it was disabled: `FAILING` after a day of failed deliveries, `BY_USER`. */
  disabledReason: z.string().nullable(),
  failingSince: z.string().nullable(),
  /** Until when the secret before the last rotation still signs. */
  previousSecretExpiresAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  deliveries: z.object({ pending: z.number(), delivered: z.number(), failed: z.number() }),
});

export const webhookUrlInput = z.string().min(1).max(2_048);

export const createEndpointInput = z
  .object({
    orgId: optionalOrgId,
    url: webhookUrlInput,
    events: z.array(eventType).min(1).max(EVENT_TYPES.length),
    description: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** The endpoint, and its signing secret: shown this once. */
export const createdEndpointOutput = endpointOutput.extend({ secret: z.string() });

export const listEndpointsInput = z.object({ orgId: optionalOrgId }).strict().optional();

export const endpointIdShape = { endpointId: uuid };

export const updateEndpointShape = {
  url: webhookUrlInput.optional(),
  events: z.array(eventType).min(1).max(EVENT_TYPES.length).optional(),
  description: z.string().trim().min(1).max(200).nullable().optional(),
  enabled: z.boolean().optional(),
};

export const deliveriesShape = {
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(25),
};

export const deliveriesOutput = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      eventId: z.string(),
      eventType: z.string(),
      status: z.enum(['pending', 'delivered', 'failed']),
      attempts: z.number(),
      nextAttemptAt: z.string().nullable(),
      lastStatusCode: z.number().nullable(),
      lastError: z.string().nullable(),
      createdAt: z.string(),
      deliveredAt: z.string().nullable(),
      attemptLog: z.array(
        z.object({
          attemptedAt: z.string(),
          statusCode: z.number().nullable(),
          error: z.string().nullable(),
          durationMs: z.number(),
          responsePrefix: z.string().nullable(),
        }),
      ),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const redeliverInput = z.object({ deliveryId: uuid }).strict();
