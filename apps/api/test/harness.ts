import type { AddressInfo } from 'node:net';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import {
  completeConsent,
  createEmulator,
  type RunningEmulator,
} from '@switchboard/composio-emulator';
import { createComposioGateway } from '@switchboard/composio-gateway';
import { createDb, type Database } from '@switchboard/db';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { parseUserId } from '@switchboard/identity';
import { TRPCClientError } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { createSwitchboardClient, type SwitchboardClient } from '../src/client.js';
import { type Config, testConfig } from '../src/config.js';
import { createTelemetry } from '../src/platform/telemetry.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { seedDemo } from '../src/seed.js';

export type DatabaseKind = TestDatabase['kind'];

export interface Harness {
  kind: DatabaseKind;
  db: Kysely<Database>;
  /** The test database's URL on PostgreSQL (for a second instance on it); undefined on PGlite. */
  databaseUrl: string | undefined;
  emulator: RunningEmulator;
  runtime: Runtime;
  app: FastifyInstance;
  url: string;
  config: Config;
  /** The configuration overrides it was started with. */
  overrides: Partial<Record<keyof Config, string>>;
  /** A typed client signed in as `userId` (a token minted with the test secret). */
  as(userId: string): SwitchboardClient;
  token(userId: string, options?: { expiresInSeconds?: number }): Promise<string>;
  /** The emulator's control routes. */
  control(path: string, init?: { method?: string; body?: unknown }): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * The real thing for one test file: a fresh database of `kind`, the emulator on loopback, the
 * real SDK behind the gateway, and the API listening on a random port. Seeded with the Acme demo.
 */
export interface HarnessOptions {
  /** PostgreSQL only: reach the test database through this URL (e.g. a proxy in front of it). */
  databaseUrl?: (url: string) => string;
  /** Turns tracing on, each span going to this exporter as it ends. */
  spanExporter?: SpanExporter;
}

export async function startHarness(
  kind: DatabaseKind,
  overrides: Partial<Record<keyof Config, string>> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const config = testConfig(overrides);
  // Built first, as the runtime does, so the database and the gateway report to it.
  const telemetry = createTelemetry(
    config,
    options.spanExporter ? { spanExporter: options.spanExporter } : {},
  );
  const observer = telemetry.database ? { observer: telemetry.database } : {};
  const created = await createTestDatabase(kind, observer);
  let database: { db: Kysely<Database>; destroy(): Promise<void> } = created;
  if (options.databaseUrl && created.url) {
    const viaProxy = createDb({
      url: options.databaseUrl(created.url),
      onError: () => undefined,
      ...observer,
    });
    database = {
      db: viaProxy.db,
      destroy: async () => {
        await viaProxy.close();
        await created.destroy();
      },
    };
  }
  const emulator = await createEmulator({ port: 0, controls: true });
  const gateway = createComposioGateway({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    timeoutMs: Number(overrides.COMPOSIO_TIMEOUT_MS ?? 5_000),
    logger: { warn: () => undefined, error: () => undefined },
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    ...(telemetry.gateway ? { observer: telemetry.gateway } : {}),
  });
  const silent = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  };
  const runtime = await createRuntime(config, {
    logger: silent,
    db: database.db,
    gateway,
    telemetry,
  });
  await seedDemo(database.db);
  const app = await buildApp(runtime.deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const sign = runtime.deps.tokens.sign;
  if (!sign) throw new Error('the test configuration must allow minting tokens');

  const token = (userId: string, options?: { expiresInSeconds?: number }) =>
    sign(parseUserId(userId), options);
  return {
    kind,
    db: database.db,
    databaseUrl: created.url,
    emulator,
    runtime,
    app,
    url,
    config,
    overrides,
    as: (userId) => createSwitchboardClient({ url, getToken: () => token(userId) }),
    token,
    async control(path, init = {}) {
      const response = await fetch(`${emulator.url}/_emulator${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        ...(init.body === undefined
          ? {}
          : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
      });
      if (!response.ok)
        throw new Error(`emulator control ${path}: ${response.status} ${await response.text()}`);
      const text = await response.text();
      return text ? JSON.parse(text) : null;
    },
    async close() {
      await app.close();
      await runtime.close();
      await emulator.close();
      await database.destroy();
    },
  };
}

export interface Instance {
  url: string;
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * Another API instance beside the harness's: its own process-level state (caches, batchers,
 * limiters, sweeper), the same emulator, and the same database through a pool of its own on
 * PostgreSQL (PGlite, being in-process, is shared as it is).
 */
export async function startInstance(
  h: Harness,
  overrides: Partial<Record<keyof Config, string>> = {},
): Promise<Instance> {
  const own = h.databaseUrl ? createDb({ url: h.databaseUrl }) : undefined;
  const settings = { ...h.overrides, ...overrides };
  const config = testConfig(settings);
  const gateway = createComposioGateway({
    apiKey: h.emulator.apiKey,
    baseUrl: h.emulator.url,
    timeoutMs: Number(settings.COMPOSIO_TIMEOUT_MS ?? 5_000),
    logger: { warn: () => undefined, error: () => undefined },
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
  });
  const silent = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  };
  const runtime = await createRuntime(config, {
    logger: silent,
    db: own?.db ?? h.db,
    gateway,
  });
  const app = await buildApp(runtime.deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
      await own?.close();
    },
  };
}

/**
 * Connects an account through the whole redirect flow a browser would take: authorize →
 * the emulator's consent page → the API's OAuth callback → the web app.
 */
export async function connect(
  h: Pick<Harness, 'as'>,
  userId: string,
  input: { toolkit: string; orgId?: string; label?: string; identity: string },
): Promise<{ id: string; requestId: string; webRedirect: string }> {
  const client = h.as(userId);
  const pending = await client.connections.authorize.mutate({
    toolkit: input.toolkit,
    ...(input.orgId ? { orgId: input.orgId } : {}),
    ...(input.label ? { label: input.label } : {}),
  });
  const consent = await completeConsent(pending.redirectUrl, {
    decision: 'approve',
    identity: input.identity,
  });
  if (!consent.location) throw new Error(`consent did not redirect (status ${consent.status})`);
  const callback = await fetch(consent.location, { redirect: 'manual' });
  const webRedirect = callback.headers.get('location') ?? '';
  const status = await client.connections.request.query({ requestId: pending.requestId });
  if (status.status !== 'ACTIVE' || !status.connectedAccountId) {
    throw new Error(`connection did not become ACTIVE: ${JSON.stringify(status)}`);
  }
  return { id: status.connectedAccountId, requestId: pending.requestId, webRedirect };
}

/** The reason and code of a failed call, or a failure if it succeeded. */
export async function failure(promise: Promise<unknown>): Promise<{
  code: string;
  reason: string;
  httpStatus: number;
  message: string;
  details?: Record<string, unknown>;
}> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as {
        code: string;
        reason: string;
        httpStatus: number;
        details?: Record<string, unknown>;
      };
      return {
        code: data.code,
        reason: data.reason,
        httpStatus: data.httpStatus,
        message: error.message,
        ...(data.details ? { details: data.details } : {}),
      };
    }
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

const TABLES = [
  'users',
  'organizations',
  'memberships',
  'toolkit_policies',
  'connected_accounts',
  'connection_requests',
  'tool_executions',
  'idempotency_keys',
  'audit_events',
  'events',
  'webhook_endpoints',
  'webhook_deliveries',
  'approvals',
] as const;

/** Row counts of every table, to prove a rejected call wrote nothing. */
export async function rowCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await sql<{
      n: string;
    }>`select count(*)::text as n from ${sql.table(table)}`.execute(db);
    counts[table] = Number(row.rows[0]?.n ?? 0);
  }
  return counts;
}

export async function auditRows(db: Kysely<Database>) {
  return db.selectFrom('tool_executions').selectAll().orderBy('id').execute();
}
