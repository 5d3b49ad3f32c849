import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { EmulatorError, type EmulatorErrorReason, ERROR_TABLE, errorBody } from './errors.js';
import { isObserved, notifyExchange } from './exchanges.js';
import { authConfigsRoutes } from './routes/auth-configs.routes.js';
import { connectedAccountsRoutes } from './routes/connected-accounts.routes.js';
import { consentRoutes } from './routes/consent.routes.js';
import { controlsRoutes } from './routes/controls.routes.js';
import { API, flatQuery, type RouteDeps } from './routes/shared.js';
import { toolkitsRoutes } from './routes/toolkits.routes.js';
import { toolsRoutes } from './routes/tools.routes.js';
import { createStateSaver, loadStateFile } from './state/persist.js';
import { EmulatorState } from './state/store.js';
import type { RequestLogEntry } from './state/types.js';
import { WebhookSender } from './state/webhooks.js';

export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Base URL of consent links (default: the listening URL). */
  publicUrl?: string;
  /** The `x-api-key` every `/api/v3.1` request must carry (default `emulator-key`). */
  apiKey?: string;
  /** How long a link stays valid before the account turns EXPIRED (default 600 000 ms). */
  linkTtlMs?: number;
  /** Registers the `/_emulator/*` test controls (default false). */
  controls?: boolean;
  /** The clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** Fastify request logging (default false). */
  logger?: boolean;
  /**
   * The legacy `POST /connected_accounts` (SDK `initiate()` / `toolkits.authorize()`) for
   * Composio-managed auth configs: `'deprecated'` (default) answers with `Deprecation`/`Sunset`
   * headers, `'retired'` answers 400 as the live service does since the 2026 cutover.
   */
  legacyInitiate?: 'deprecated' | 'retired';
  /**
   * Error code when executing with another user's `connected_account_id`: 1803 (default; the
   * SDK maps it to `ComposioConnectedAccountNotFoundError`) or 1812 (what the live service sends).
   */
  foreignAccountErrorCode?: 1803 | 1812;
  /**
   * A JSON file that keeps the auth configs, accounts (with their upstream data) and consent
   * links across restarts: read at start when it exists, written (debounced, atomically) after
   * every request that may change them, and on close. Absent (the default), state is in memory
   * only, as tests want it.
   */
  stateFile?: string;
  /**
   * Names the scope on the consent page: given a Composio user id (`org_acme`, `u_42`), the
   * organization's or person's display name, or undefined to show the id.
   */
  displayName?: (composioUserId: string) => string | undefined;
}

export interface EmulatorAppOptions extends EmulatorOptions {
  /** State to serve; a fresh one is built from the options when absent. */
  state?: EmulatorState;
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`: the SDK's `baseURL`. */
  url: string;
  apiKey: string;
  app: FastifyInstance;
  /** In-process access for tests. */
  state: EmulatorState;
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'emulator-key';

/**
 * Builds the emulator without listening (tests use `app.inject`). Consent links point at
 * `publicUrl` or, when absent, at the origin of each request.
 */
export function buildEmulatorApp(options: EmulatorAppOptions = {}): FastifyInstance {
  const state =
    options.state ??
    new EmulatorState({
      ...(options.now ? { now: options.now } : {}),
      ...(options.linkTtlMs !== undefined ? { linkTtlMs: options.linkTtlMs } : {}),
    });
  if (options.publicUrl) state.publicUrl = options.publicUrl.replace(/\/+$/, '');
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const deps: RouteDeps = {
    state,
    execute: { foreignAccountErrorCode: options.foreignAccountErrorCode ?? 1803 },
    legacyInitiate: options.legacyInitiate ?? 'deprecated',
    displayName: options.displayName,
    webhooks: new WebhookSender(() => state.now()),
  };

  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: () => randomUUID(),
    // Bulk seeding (`POST /_emulator/accounts` with thousands of accounts) exceeds the 1 MiB default.
    bodyLimit: 64 * 1024 * 1024,
  });
  app.register(formbody);

  // An empty JSON body (some clients send the header without one) reads as `{}`.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') done(null, {});
    else parseJson(request, text, done);
  });

  // Requests whose status and body an injected fault wrote, by fault id.
  const faulted = new WeakMap<FastifyRequest, string>();
  registerRequestLog(app, state, faulted);
  registerExchangeObservers(app, faulted);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(`${API}/`)) return;
    if (request.headers['x-api-key'] !== apiKey) {
      const missing = request.headers['x-api-key'] === undefined;
      reply
        .code(401)
        .send(
          errorBody(
            'UNAUTHORIZED',
            missing ? 'API key is required (x-api-key header)' : 'Invalid API key',
            request.id,
            { suggestedFix: 'Send the project API key in the x-api-key header.' },
          ),
        );
      return reply;
    }
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof EmulatorError) {
      if (error.details?.headers) reply.headers(error.details.headers);
      return reply
        .code(statusOf(error.reason))
        .send(errorBody(error.reason, error.message, request.id, error.details));
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error(error);
    const message = error instanceof Error ? error.message : String(error);
    return reply
      .code(status)
      .send(
        errorBody(
          status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
          message,
          request.id,
          undefined,
          status,
        ),
      );
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody('ROUTE_NOT_FOUND', `No route ${request.method} ${pathOf(request)}`, request.id),
      ),
  );

  toolkitsRoutes(app);
  authConfigsRoutes(app, deps);
  connectedAccountsRoutes(app, deps);
  toolsRoutes(app, deps);
  consentRoutes(app, deps);
  if (options.controls) controlsRoutes(app, deps);

  if (options.stateFile) persist(app, state, options.stateFile);

  app.decorate('emulatorState', state);
  return app;
}

/** Builds the emulator and listens; resolves once it accepts connections. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const state = new EmulatorState({
    ...(options.now ? { now: options.now } : {}),
    ...(options.linkTtlMs !== undefined ? { linkTtlMs: options.linkTtlMs } : {}),
  });
  const app = buildEmulatorApp({ ...options, state });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
  state.publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  return {
    url,
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
    app,
    state,
    close: () => app.close(),
  };
}

/** Loads the state file and writes it after every request that may have changed the state. */
function persist(app: FastifyInstance, state: EmulatorState, file: string): void {
  loadStateFile(state, file);
  const saver = createStateSaver(state, file, (error) =>
    app.log.error({ err: error, file }, 'could not write the emulator state file'),
  );
  app.addHook('onResponse', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') saver.schedule();
  });
  app.addHook('onClose', () => saver.flush());
}

function statusOf(reason: EmulatorErrorReason): number {
  return ERROR_TABLE[reason].status;
}

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}

const CONTROL_PREFIX = '/_emulator';

/**
 * Logs every request (except the controls) and applies injected faults: latency, a canned
 * status with `retry-after`, or a dropped socket.
 */
function registerRequestLog(
  app: FastifyInstance,
  state: EmulatorState,
  faulted: WeakMap<FastifyRequest, string>,
): void {
  const started = new WeakMap<FastifyRequest, { entry: RequestLogEntry; at: number }>();

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request);
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) return;
    const entry = state.logRequest({
      method: request.method,
      path,
      query: flatQuery(request.query),
      time: new Date(state.now()).toISOString(),
      status: null,
      durationMs: null,
      faultId: null,
      traceparent:
        typeof request.headers.traceparent === 'string' ? request.headers.traceparent : null,
    });
    const at = performance.now();
    started.set(request, { entry, at });

    const fault = state.takeFault(request.method, path);
    if (!fault) return;
    entry.faultId = fault.id;
    if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.drop) {
      entry.durationMs = performance.now() - at;
      started.delete(request); // no status to record
      reply.hijack();
      // Destroying the response as well makes `inject()` (whose socket is a mock) reject too.
      const socket: { destroy?: () => void } = request.raw.socket;
      socket.destroy?.();
      reply.raw.destroy(new Error('connection dropped by an emulator fault'));
      return reply;
    }
    if (fault.status !== undefined) {
      faulted.set(request, fault.id);
      if (fault.retryAfterSeconds !== undefined) {
        reply.header('retry-after', String(fault.retryAfterSeconds));
      }
      const reason: EmulatorErrorReason = fault.status === 429 ? 'RATE_LIMITED' : 'INJECTED_FAULT';
      reply
        .code(fault.status)
        .send(
          fault.body ??
            errorBody(
              reason,
              `Injected fault ${fault.id} (${fault.status})`,
              request.id,
              undefined,
              fault.status,
            ),
        );
      return reply;
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const log = started.get(request);
    if (!log) return;
    log.entry.status = reply.statusCode;
    log.entry.durationMs = performance.now() - log.at;
  });
}

/** Hands every response to the observers of `observeExchanges`, when there are any. */
function registerExchangeObservers(
  app: FastifyInstance,
  faulted: WeakMap<FastifyRequest, string>,
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isObserved()) return payload;
    notifyExchange({
      method: request.method,
      url: request.url,
      route: request.routeOptions.url ?? null,
      requestHeaders: request.headers,
      requestBody: request.body,
      status: reply.statusCode,
      responseHeaders: reply.getHeaders(),
      body:
        typeof payload === 'string'
          ? payload
          : Buffer.isBuffer(payload)
            ? payload.toString('utf8')
            : '',
      injectedFault: faulted.get(request) ?? null,
    });
    return payload;
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The emulator's in-memory state (also on `RunningEmulator.state`). */
    emulatorState: EmulatorState;
  }
}
