import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EmulatorError } from '../errors.js';
import { authConfigJson } from '../serialize.js';
import type { EmulatorState, SeedAccountInput } from '../state/store.js';
import { consentUrl } from '../state/store.js';
import { ACCOUNT_STATUSES, type AccountRecord, type FaultSpec } from '../state/types.js';
import { publicUrlOf, type Query, type RouteDeps } from './shared.js';

/** Everything the emulator holds about an account, secrets and upstream data included. */
export function accountView(a: AccountRecord, publicUrl: string) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: a.id,
    user_id: a.userId,
    toolkit: a.toolkit,
    auth_config_id: a.authConfigId,
    alias: a.alias,
    word_id: a.wordId,
    status: a.status,
    status_reason: a.statusReason,
    is_disabled: a.isDisabled,
    identity: a.identity,
    access_token: a.accessToken,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
    connected_at: iso(a.connectedAt),
    callback_url: a.callbackUrl,
    link: a.link
      ? {
          token: a.link.token,
          redirect_url: consentUrl(publicUrl, a.link.token),
          expires_at: iso(a.link.expiresAt),
        }
      : null,
    world: a.world,
  };
}

const seedItem = {
  type: 'object',
  required: ['user_id', 'toolkit', 'identity'],
  properties: {
    user_id: { type: 'string', minLength: 1 },
    toolkit: { type: 'string', minLength: 1 },
    identity: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: [...ACCOUNT_STATUSES] },
    status_reason: { type: 'string' },
    alias: { type: 'string' },
    auth_config_id: { type: 'string' },
  },
  additionalProperties: false,
} as const;

const faultBody = {
  type: 'object',
  required: ['path'],
  properties: {
    method: { type: 'string' },
    path: { type: 'string', minLength: 1 },
    latencyMs: { type: 'integer', minimum: 0 },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    retryAfterSeconds: { type: 'number', minimum: 0 },
    body: {},
    drop: { type: 'boolean' },
    times: { type: 'integer', minimum: 1 },
  },
  additionalProperties: false,
} as const;

interface SeedItem {
  user_id: string;
  toolkit: string;
  identity: string;
  status?: SeedAccountInput['status'];
  status_reason?: string;
  alias?: string;
  auth_config_id?: string;
}

function seedInput(item: SeedItem): SeedAccountInput {
  return {
    userId: item.user_id,
    toolkit: item.toolkit,
    identity: item.identity,
    ...(item.status ? { status: item.status } : {}),
    ...(item.status_reason ? { statusReason: item.status_reason } : {}),
    ...(item.alias ? { alias: item.alias } : {}),
    ...(item.auth_config_id ? { authConfigId: item.auth_config_id } : {}),
  };
}

const matchesQuery = (q: Query, pairs: Record<string, string>) =>
  Object.entries(pairs).every(([key, value]) => q[key] === undefined || q[key] === value);

/**
 * Test controls under `/_emulator/` (only when `controls: true`): reset, inspect, seed, expire
 * and disable accounts, move the clock, read and clear the request log, inject faults.
 * They need no API key, are not logged and are never faulted.
 */
export function controlsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { state } = deps;
  const view = (a: AccountRecord, request: FastifyRequest) =>
    accountView(a, publicUrlOf(state, request));
  const base = '/_emulator';

  app.post(`${base}/reset`, async (_request, reply) => {
    state.reset();
    return reply.code(204).send();
  });

  app.get(`${base}/state`, async (request) => stateView(state, request));

  app.get<{ Params: { id: string } }>(`${base}/accounts/:id`, async (request) =>
    view(state.getAccount(request.params.id), request),
  );

  app.post<{ Body: SeedItem | { accounts: SeedItem[] } }>(
    `${base}/accounts`,
    {
      schema: {
        body: {
          oneOf: [
            seedItem,
            {
              type: 'object',
              required: ['accounts'],
              properties: { accounts: { type: 'array', items: seedItem } },
              additionalProperties: false,
            },
          ],
        },
      },
    },
    async (request, reply) => {
      const publicUrl = publicUrlOf(state, request);
      reply.code(201);
      if ('accounts' in request.body) {
        const items = request.body.accounts.map((item) =>
          accountView(state.seedAccount(seedInput(item), publicUrl), publicUrl),
        );
        return { items };
      }
      return accountView(state.seedAccount(seedInput(request.body), publicUrl), publicUrl);
    },
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
    `${base}/accounts/:id/expire`,
    async (request) => {
      const account = state.expire(request.params.id, request.body?.reason);
      deps.webhooks.accountExpired(account);
      return view(account, request);
    },
  );

  // Composio's webhook subscription: where account events go, signed with the secret.
  app.post<{ Body: { url?: unknown; secret?: unknown } }>(
    `${base}/webhooks`,
    async (request, reply) => {
      const { url, secret } = request.body ?? {};
      if (typeof url !== 'string' || typeof secret !== 'string' || !secret.startsWith('whsec_')) {
        throw new EmulatorError('BAD_REQUEST', 'a webhook target needs a url and a whsec_ secret');
      }
      deps.webhooks.target = { url, secret };
      return reply.code(204).send();
    },
  );
  app.get(`${base}/webhooks`, async () => {
    await deps.webhooks.settled();
    return { target: deps.webhooks.target?.url ?? null, sent: deps.webhooks.sent };
  });
  app.delete(`${base}/webhooks`, async (_request, reply) => {
    deps.webhooks.target = null;
    deps.webhooks.sent.length = 0;
    return reply.code(204).send();
  });
  app.post<{ Params: { id: string } }>(`${base}/accounts/:id/disable`, async (request) =>
    view(state.setEnabled(request.params.id, false), request),
  );
  app.post<{ Params: { id: string } }>(`${base}/accounts/:id/enable`, async (request) =>
    view(state.setEnabled(request.params.id, true), request),
  );

  app.get<{ Querystring: Query }>(`${base}/messages`, async (request) => {
    const q = request.query;
    return {
      items: state.outbox.filter((e) =>
        matchesQuery(q, {
          account_id: e.accountId,
          user_id: e.userId,
          toolkit: e.toolkit,
          kind: e.kind,
        }),
      ),
    };
  });

  app.get<{ Querystring: Query }>(`${base}/executions`, async (request) => {
    const q = request.query;
    return {
      items: state.executions.filter((e) =>
        matchesQuery(q, { account_id: e.accountId, user_id: e.userId, tool: e.tool }),
      ),
    };
  });

  app.get<{ Querystring: Query }>(`${base}/requests`, async (request) => {
    const q = request.query;
    return {
      items: state.requests.filter((e) => matchesQuery(q, { method: e.method, path: e.path })),
    };
  });
  app.delete(`${base}/requests`, async (_request, reply) => {
    state.requests.length = 0;
    return reply.code(204).send();
  });

  app.post<{ Body: FaultSpec }>(
    `${base}/faults`,
    { schema: { body: faultBody } },
    async (request, reply) => {
      reply.code(201);
      return state.addFault(request.body);
    },
  );
  app.get(`${base}/faults`, async () => ({ items: state.faults }));
  app.delete(`${base}/faults`, async (_request, reply) => {
    state.faults.length = 0;
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>(`${base}/faults/:id`, async (request, reply) => {
    const index = state.faults.findIndex((f) => f.id === request.params.id);
    if (index < 0) throw new EmulatorError('BAD_REQUEST', `No fault ${request.params.id}`);
    state.faults.splice(index, 1);
    return reply.code(204).send();
  });

  app.post<{ Body: { advanceMs: number } }>(
    `${base}/clock`,
    {
      schema: {
        body: {
          type: 'object',
          required: ['advanceMs'],
          properties: { advanceMs: { type: 'integer', minimum: 0 } },
        },
      },
    },
    async (request) => {
      state.clockOffsetMs += request.body.advanceMs;
      return { now: new Date(state.now()).toISOString(), offset_ms: state.clockOffsetMs };
    },
  );
}

function stateView(state: EmulatorState, request: FastifyRequest) {
  const publicUrl = publicUrlOf(state, request);
  return {
    now: new Date(state.now()).toISOString(),
    auth_configs: [...state.authConfigs.values()].map((c) =>
      authConfigJson(c, state.countConnections(c.id)),
    ),
    accounts: state.queryAccounts({ direction: 'asc' }).map((a) => accountView(a, publicUrl)),
    messages: state.outbox,
    executions: state.executions,
    faults: state.faults,
  };
}
