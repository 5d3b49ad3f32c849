import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { RequestLogEntry } from '@switchboard/composio-emulator';
import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness, startHarness } from './harness.js';

const SLACK_MESSAGE = {
  tool: 'SLACK_SEND_MESSAGE',
  orgId: 'acme',
  arguments: { channel: '#general', text: 'traced' },
};

/** A POST of one tRPC mutation, as any HTTP client sends it, with the caller's trace context. */
async function execute(h: Harness, user: string, traceparent?: string) {
  return fetch(`${h.url}/trpc/tools.execute`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await h.token(user)}`,
      'content-type': 'application/json',
      ...(traceparent ? { traceparent } : {}),
    },
    body: JSON.stringify(SLACK_MESSAGE),
  });
}

async function emulatorRequests(h: Harness, path: string): Promise<RequestLogEntry[]> {
  const { items } = (await h.control(`/requests?path=${encodeURIComponent(path)}`)) as {
    items: RequestLogEntry[];
  };
  return items;
}

const EXECUTE_PATH = '/api/v3.1/tools/execute/SLACK_SEND_MESSAGE';

describe.each(databaseKindsUnderTest())('traces on %s', (kind) => {
  const exporter = new InMemorySpanExporter();
  let h: Harness;

  /** The finished spans of one trace, once its request span has ended. */
  const traceOf = async (traceId: string) => {
    for (let i = 0; i < 100; i++) {
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      if (spans.some((s) => s.kind === SpanKind.SERVER)) return spans;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no request span in trace ${traceId}`);
  };
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  /** Whether `ancestor` is above `span` in `spans`. */
  const under = (spans: ReadableSpan[], span: ReadableSpan, ancestor: ReadableSpan) => {
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (let at = byId.get(parentOf(span) ?? ''); at; at = byId.get(parentOf(at) ?? '')) {
      if (at === ancestor) return true;
    }
    return false;
  };
  const one = (spans: ReadableSpan[], name: string) => {
    const found = spans.filter((s) => s.name === name);
    expect(found.map((s) => s.name)).toStrictEqual([name]);
    return found[0] as ReadableSpan;
  };

  beforeAll(async () => {
    h = await startHarness(kind, {}, { spanExporter: exporter });
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme@example.test' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('one tools.execute is one tree: request → procedure → its statements and the Composio call', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    await h.control('/requests', { method: 'DELETE' });
    const response = await execute(h, 'bob', `00-${traceId}-${callerSpan}-01`);
    expect(response.status).toBe(200);
    // The request's id (its log lines' reqId) is the trace's id.
    expect(response.headers.get('x-request-id')).toBe(traceId);
    const spans = await traceOf(traceId);

    const request = spans.find((s) => s.kind === SpanKind.SERVER) as ReadableSpan;
    expect(parentOf(request)).toBe(callerSpan);
    expect(request.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
    });
    const procedure = one(spans, 'trpc tools.execute');
    expect(under(spans, procedure, request)).toBe(true);
    expect(procedure.attributes).toMatchObject({
      'rpc.system': 'trpc',
      'rpc.method': 'tools.execute',
      'trpc.code': 'OK',
      'switchboard.decision': 'allowed',
      'switchboard.reason': 'none',
      'switchboard.outcome': 'success',
      'switchboard.toolkit': 'slack',
      'switchboard.scope_kind': 'org',
      'switchboard.channel': 'trpc',
    });

    const statements = spans.filter((s) => s.name.startsWith('db '));
    expect(statements.length).toBeGreaterThanOrEqual(2);
    for (const statement of statements) {
      expect(under(spans, statement, procedure), statement.name).toBe(true);
      expect(statement.kind).toBe(SpanKind.CLIENT);
      expect(statement.attributes['db.system.name']).toBe('postgresql');
    }
    expect(
      statements.some((s) =>
        String(s.attributes['db.query.text']).startsWith('insert into tool_executions'),
      ),
    ).toBe(true);

    const call = one(spans, 'composio tools.execute');
    expect(parentOf(call)).toBe(procedure.spanContext().spanId);
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.attributes).toMatchObject({
      'composio.operation': 'tools.execute',
      'composio.subject': 'SLACK_SEND_MESSAGE',
      'composio.outcome': 'ok',
    });
    // Composio was sent the trace context of that very span.
    const [sent] = await emulatorRequests(h, EXECUTE_PATH);
    expect(sent?.traceparent).toBe(`00-${traceId}-${call.spanContext().spanId}-01`);
  });

  it('a refused execution carries the decision and reason, and calls no Composio', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await execute(
      h,
      'carol',
      `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    );
    expect(response.status).toBe(403);
    const spans = await traceOf(traceId);
    expect(one(spans, 'trpc tools.execute').attributes).toMatchObject({
      'trpc.code': 'FORBIDDEN',
      'switchboard.decision': 'denied',
      'switchboard.reason': 'ROLE_REQUIRED',
      'switchboard.outcome': 'denied',
    });
    expect(spans.filter((s) => s.name === 'composio tools.execute')).toStrictEqual([]);
  });

  it('a request without a trace context starts a trace whose id is the request id', async () => {
    const response = await fetch(`${h.url}/trpc/me.get`, {
      headers: { authorization: `Bearer ${await h.token('alice')}` },
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await traceOf(requestId);
    const request = spans.find((s) => s.kind === SpanKind.SERVER) as ReadableSpan;
    expect(parentOf(request)).toBeUndefined();
    expect(under(spans, one(spans, 'trpc me.get'), request)).toBe(true);
  });

  it('scrapes and probes are not traced', async () => {
    exporter.reset();
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER)).toStrictEqual([]);
  });
});

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('pglite');
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme@example.test' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('starts no tracer and sends Composio no trace context, even when the caller sent one', async () => {
    expect(h.runtime.deps.telemetry.tracing).toBeUndefined();
    await h.control('/requests', { method: 'DELETE' });
    const traceId = randomBytes(16).toString('hex');
    const response = await execute(h, 'bob', `00-${traceId}-${randomBytes(8).toString('hex')}-01`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const [sent] = await emulatorRequests(h, EXECUTE_PATH);
    expect(sent?.status).toBe(200);
    expect(sent?.traceparent).toBeNull();
  });
});
