import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { type GatewayObserver, isGatewayError } from '@switchboard/composio-gateway';
import type { DbObserver } from '@switchboard/db';
import type { Config } from '../config.js';
import type { ExecutionAttempt } from '../modules/audit/audit.repo.js';
import { Metrics } from './metrics.js';
import { Tracing } from './tracing.js';

export interface TelemetryOptions {
  /** Turns tracing on with this exporter, whatever the configuration says (tests, the bench). */
  spanExporter?: SpanExporter;
}

/**
 * The app's metrics (`METRICS_ENABLED`) and traces (`OTEL_EXPORTER_OTLP_ENDPOINT`), and the
 * observers that the database and the Composio gateway are opened with. Either part may be
 * off; then it is `undefined` and nothing of it runs.
 */
export interface Telemetry {
  readonly metrics: Metrics | undefined;
  readonly tracing: Tracing | undefined;
  /** For `createComposioGateway({ observer })`. */
  readonly gateway: GatewayObserver | undefined;
  /** For `createDb({ observer })`. */
  readonly database: DbObserver | undefined;
  /** Times (and traces) a tRPC procedure; `codeOf` says which tRPC code it ended with. */
  procedure<T>(
    path: string,
    run: () => Promise<T>,
    codeOf: (outcome: T | Error) => string,
  ): Promise<T>;
  /** Counts an audited execution attempt and notes its decision on the active span. */
  execution(attempt: ExecutionAttempt): void;
  close(): Promise<void>;
}

function gatewayObserver(metrics: Metrics | undefined, tracing: Tracing | undefined) {
  if (!metrics && !tracing) return undefined;
  const observer: GatewayObserver = {
    call(operation, subject, run) {
      const timed = metrics
        ? async () => {
            const started = performance.now();
            let outcome = 'ok';
            try {
              return await run();
            } catch (error) {
              outcome = isGatewayError(error) ? error.reason : 'INTERNAL';
              throw error;
            } finally {
              metrics.composioCall(operation, outcome, (performance.now() - started) / 1000);
            }
          }
        : run;
      return tracing ? tracing.composio(operation, subject, timed) : timed();
    },
  };
  if (tracing) observer.requestHeaders = () => tracing.requestHeaders();
  return observer;
}

function databaseObserver(metrics: Metrics | undefined, tracing: Tracing | undefined) {
  if (!metrics && !tracing) return undefined;
  const observer: DbObserver = {};
  if (tracing) observer.statement = (sql, run) => tracing.statement(sql, run);
  if (metrics) observer.pool = (read) => metrics.watchPool(read);
  return observer;
}

export function createTelemetry(config: Config, options: TelemetryOptions = {}): Telemetry {
  const metrics = config.METRICS_ENABLED ? new Metrics() : undefined;
  const tracing =
    options.spanExporter || config.OTEL_EXPORTER_OTLP_ENDPOINT
      ? new Tracing({
          serviceName: config.OTEL_SERVICE_NAME,
          endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
          exporter: options.spanExporter,
        })
      : undefined;
  let closing: Promise<void> | undefined;
  return {
    metrics,
    tracing,
    gateway: gatewayObserver(metrics, tracing),
    database: databaseObserver(metrics, tracing),
    procedure(path, run, codeOf) {
      if (!metrics && !tracing) return run();
      const timed = metrics
        ? async () => {
            const started = performance.now();
            let code = 'INTERNAL_SERVER_ERROR';
            try {
              const result = await run();
              code = codeOf(result);
              return result;
            } catch (error) {
              code = codeOf(error as Error);
              throw error;
            } finally {
              metrics.procedure(path, code, (performance.now() - started) / 1000);
            }
          }
        : run;
      return tracing ? tracing.procedure(path, timed, codeOf) : timed();
    },
    execution(attempt) {
      metrics?.execution(attempt);
      tracing?.annotate({
        'switchboard.execution_id': attempt.executionId,
        'switchboard.channel': attempt.channel,
        'switchboard.scope_kind': attempt.scope.kind,
        'switchboard.toolkit': attempt.toolkit,
        'switchboard.tool': attempt.tool,
        'switchboard.decision': attempt.decision,
        'switchboard.reason': attempt.denyReason ?? attempt.errorCode ?? 'none',
        'switchboard.outcome': attempt.outcome,
      });
    },
    close() {
      closing ??= (async () => {
        metrics?.clear();
        await tracing?.close();
      })();
      return closing;
    },
  };
}
