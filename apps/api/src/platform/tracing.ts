import type { IncomingHttpHeaders } from 'node:http';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import {
  type Attributes,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  type IdGenerator,
  RandomIdGenerator,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { isGatewayError } from '@switchboard/composio-gateway';
import type { FastifyPluginCallback } from 'fastify';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint (`http://collector:4318`): spans are batched and sent to `/v1/traces`. */
  endpoint?: string | undefined;
  /** Spans go here, each as it ends, instead of over OTLP (tests, the benchmark). */
  exporter?: SpanExporter | undefined;
}

/** Requests nobody wants a trace of: scrapes and probes, every few seconds. */
const UNTRACED = new Set(['/metrics', '/healthz', '/readyz']);

function untraced(url: string): boolean {
  const q = url.indexOf('?');
  return UNTRACED.has(q < 0 ? url : url.slice(0, q));
}

/**
 * Trace ids, with one twist: Fastify names a request (the `reqId` of its log lines) before any
 * hook runs, so the id of the request's span is chosen then and handed to the span that starts
 * in the first hook, in the same synchronous turn. The request's id in the logs is its trace id.
 */
class RequestTraceIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private next: string | undefined;

  generateTraceId(): string {
    const id = this.next ?? this.random.generateTraceId();
    this.next = undefined;
    return id;
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }

  /**
   * The trace id of the request arriving now: the caller's trace (read as the request's span
   * will read it), or a new one.
   */
  forRequest(url: string, headers: IncomingHttpHeaders): string {
    const parent = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers));
    if (parent && isSpanContextValid(parent)) return parent.traceId;
    const id = this.random.generateTraceId();
    if (untraced(url)) return id;
    this.next = id;
    // Should no span take it in this turn, it is not left for an unrelated one.
    queueMicrotask(() => {
      if (this.next === id) this.next = undefined;
    });
    return id;
  }
}

let contextRegistered = false;

/**
 * The OpenTelemetry API keeps the context manager and the propagator process-wide; spans are
 * made by this app's own provider. Registered once, by the first app that traces.
 */
function registerContext(): void {
  if (contextRegistered) return;
  contextRegistered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** Codes that mean the server failed, not the caller: the span is marked as an error. */
const SERVER_FAILURES = new Set([
  'INTERNAL_SERVER_ERROR',
  'NOT_IMPLEMENTED',
  'BAD_GATEWAY',
  'SERVICE_UNAVAILABLE',
  'GATEWAY_TIMEOUT',
]);

/**
 * Traces of this app: a span for each request (`@fastify/otel`), each tRPC procedure, each
 * database statement within a request and each call to Composio, whose requests carry the W3C
 * `traceparent`. Built only when tracing is on; otherwise nothing of the SDK runs.
 */
export class Tracing {
  readonly tracer: Tracer;
  readonly requestIds = new RequestTraceIds();
  private readonly provider: TracerProvider;

  constructor(options: TracingOptions) {
    registerContext();
    const exporter =
      options.exporter ??
      new OTLPTraceExporter({
        url: `${(options.endpoint ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
      });
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName }),
      idGenerator: this.requestIds,
      spanProcessors: [
        options.exporter
          ? new SimpleSpanProcessor({ exporter })
          : new BatchSpanProcessor({ exporter }),
      ],
    });
    this.tracer = this.provider.getTracer('@switchboard/api');
  }

  /** The Fastify plugin that starts and ends each request's span; register it before routes. */
  fastifyPlugin(): FastifyPluginCallback {
    const instrumentation = new FastifyOtelInstrumentation({
      ignorePaths: ({ url }: { url: string }) => untraced(url),
      // A span per hook (CORS, security headers) says nothing a trace reader needs, at a cost.
      instrumentHooks: false,
    });
    instrumentation.setTracerProvider(this.provider);
    return instrumentation.plugin() as FastifyPluginCallback;
  }

  /** Runs `fn` in a span of its own, a child of the active one; failures mark the span. */
  async inSpan<T>(
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    fn: (span: Span) => Promise<T>,
  ): Promise<T> {
    return this.tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /** A tRPC procedure's span; `codeOf` names the tRPC code it answered with. */
  procedure<T>(path: string, run: () => Promise<T>, codeOf: (outcome: T | Error) => string) {
    return this.tracer.startActiveSpan(
      `trpc ${path}`,
      { kind: SpanKind.INTERNAL, attributes: { 'rpc.system': 'trpc', 'rpc.method': path } },
      async (span) => {
        let code = 'INTERNAL_SERVER_ERROR';
        try {
          const result = await run();
          code = codeOf(result);
          return result;
        } catch (error) {
          code = codeOf(error as Error);
          throw error;
        } finally {
          span.setAttribute('trpc.code', code);
          if (SERVER_FAILURES.has(code)) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        }
      },
    );
  }

  /**
   * A database statement's span. Only within a trace: the background workers' polling would
   * otherwise start a trace of one statement every few hundred milliseconds.
   */
  statement<T>(sql: string, run: () => Promise<T>): Promise<T> {
    if (!trace.getSpan(context.active())) return run();
    const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'statement';
    return this.inSpan(
      `db ${operation}`,
      SpanKind.CLIENT,
      {
        'db.system.name': 'postgresql',
        'db.operation.name': operation,
        'db.query.text': sql,
      },
      () => run(),
    );
  }

  /** A call to Composio (retries included); its HTTP requests carry this span's context. */
  composio<T>(operation: string, subject: string | undefined, run: () => Promise<T>): Promise<T> {
    return this.inSpan(
      `composio ${operation}`,
      SpanKind.CLIENT,
      {
        'composio.operation': operation,
        ...(subject === undefined ? {} : { 'composio.subject': subject }),
      },
      async (span) => {
        try {
          const result = await run();
          span.setAttribute('composio.outcome', 'ok');
          return result;
        } catch (error) {
          span.setAttribute('composio.outcome', isGatewayError(error) ? error.reason : 'INTERNAL');
          throw error;
        }
      },
    );
  }

  /** The W3C trace context of the active span, as request headers. */
  requestHeaders(): Record<string, string> | undefined {
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    return carrier.traceparent ? carrier : undefined;
  }

  /** Adds attributes to the active span (the procedure that ran a tool, say). */
  annotate(attributes: Attributes): void {
    trace.getSpan(context.active())?.setAttributes(attributes);
  }

  /** Sends what is still batched and stops. */
  close(): Promise<void> {
    return this.provider.shutdown();
  }
}
