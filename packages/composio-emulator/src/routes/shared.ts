import type { FastifyRequest } from 'fastify';
import { EmulatorError } from '../errors.js';
import type { ExecuteOptions } from '../execute.js';
import type { EmulatorState } from '../state/store.js';
import type { WebhookSender } from '../state/webhooks.js';

export interface RouteDeps {
  state: EmulatorState;
  execute: ExecuteOptions;
  legacyInitiate: 'deprecated' | 'retired';
  /** A display name for a Composio user id on the consent page, if the host knows one. */
  displayName?: ((composioUserId: string) => string | undefined) | undefined;
  webhooks: WebhookSender;
}

export const API = '/api/v3.1';

/** The base URL consent links use: the configured public URL, else this request's origin. */
export function publicUrlOf(state: EmulatorState, request: FastifyRequest): string {
  return state.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** Query values as strings (repeated parameters joined), for the request log. */
export function flatQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (query && typeof query === 'object') {
    for (const [key, value] of Object.entries(query)) {
      out[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
    }
  }
  return out;
}

/** A list parameter: the SDK comma-joins arrays (`user_ids=u1,u2`); repeated keys work too. */
export function csv(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parts = (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return parts.length > 0 ? parts : undefined;
}

export function intParam(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new EmulatorError('BAD_REQUEST', `Query parameter '${name}' must be a positive integer`);
  }
  return Math.min(n, max);
}

export function boolParam(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value).toLowerCase() === 'true';
}

/** Query strings, as Fastify hands them over (repeated keys become arrays). */
export type Query = Record<string, string | string[] | undefined>;
