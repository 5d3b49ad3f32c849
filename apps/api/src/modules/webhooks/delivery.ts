import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Database } from '@switchboard/db';
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { eventById } from '../events/events.repo.js';
import { guardedLookup, isForbiddenAddress, type TargetRules } from './targets.js';
import { type ClaimedDelivery, claimDue, settleAttempt, updateEndpoint } from './webhooks.repo.js';

/**
 * Waits before each retry, about a day in all; then the delivery has failed. Each wait is
 * spread by up to a fifth either way, so endpoints that failed together are not retried together.
 */
export const RETRY_DELAYS_MS = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000,
  28_800_000,
];

/** How much of a receiver's answer is kept: enough to tell what it said, not what it holds. */
const RESPONSE_PREFIX = 256;

export interface DeliverySettings {
  db: Kysely<Database>;
  now: () => Date;
  rules: TargetRules;
  /** Per attempt. */
  timeoutMs: number;
  /** How often due deliveries are looked for. */
  pollMs: number;
  /** Multiplies `RETRY_DELAYS_MS` (tests shrink it). */
  retryScale: number;
  logger: { warn(obj: object, message?: string): void };
  /** Told of every attempt's outcome (metrics). */
  onAttempt?: (outcome: 'delivered' | 'retrying' | 'failed') => void;
}

export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responsePrefix: string | null;
}

/** The Standard Webhooks signature of a body, by every secret still signing. */
export function signatures(secrets: readonly string[], id: string, at: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' ');
}

/** POSTs the body once, redirects not followed, answers cut to a prefix. */
export function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  settings: Pick<DeliverySettings, 'rules' | 'timeoutMs'>,
): Promise<AttemptResult> {
  const started = performance.now();
  // A literal address is not looked up, so the lookup's check would never see it.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!settings.rules.allowPrivate && isIP(host) && isForbiddenAddress(host)) {
    return Promise.resolve({
      statusCode: null,
      error: 'TARGET_FORBIDDEN',
      durationMs: 0,
      responsePrefix: null,
    });
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, durationMs: Math.round(performance.now() - started) });
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(settings.rules) as never,
        timeout: settings.timeoutMs,
      },
      (res) => {
        let prefix = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (prefix.length < RESPONSE_PREFIX)
            prefix += chunk.slice(0, RESPONSE_PREFIX - prefix.length);
          else res.destroy();
        });
        const done = () =>
          finish({
            statusCode: res.statusCode ?? null,
            error: null,
            responsePrefix: prefix || null,
          });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      finish({
        statusCode: null,
        error: `no answer within ${settings.timeoutMs} ms`,
        responsePrefix: null,
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ statusCode: null, error: error.code ?? error.message, responsePrefix: null }),
    );
    req.end(body);
  });
}

/**
 * Sends the outbox's deliveries: claims due ones (several instances share the work through
 * `FOR UPDATE SKIP LOCKED`), POSTs each signed per Standard Webhooks with the event id as
 * `webhook-id` (a receiver's idempotency key), and retries failures with backoff and jitter for
 * about a day. An endpoint still failing after that is disabled, with the reason shown.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly settings: DeliverySettings) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.settings.pollMs);
    this.timer.unref();
  }

  /** Looks for due deliveries now (after a change commits, say), unless a round is running. */
  wake(): void {
    if (this.stopped || this.running) return;
    this.running = this.round()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.settings.logger.warn({ err: error }, 'webhook delivery round failed'),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One round: everything due, claimed and sent. */
  async round(): Promise<number> {
    const { db, now, timeoutMs } = this.settings;
    let sent = 0;
    for (;;) {
      const claimed = await claimDue(db, now(), timeoutMs * 2 + 5_000, 20);
      if (claimed.length === 0) return sent;
      await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
      sent += claimed.length;
      if (this.stopped) return sent;
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const { db, now, retryScale } = this.settings;
    const { endpoint } = delivery;
    const event = await eventById(db, delivery.eventId);
    const body = JSON.stringify(event);
    const at = now();
    const secrets = [
      endpoint.secret,
      ...(endpoint.previousSecret &&
      endpoint.previousSecretExpiresAt &&
      endpoint.previousSecretExpiresAt > at
        ? [endpoint.previousSecret]
        : []),
    ];
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Switchboard-Webhooks/1',
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signatures(secrets, event.id, at, body),
    };
    const result = await post(new URL(endpoint.url), body, headers, this.settings);
    const attempt = { ...result, attemptedAt: at };
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    if (ok) {
      await settleAttempt(db, delivery.id, attempt, { status: 'delivered', at: now() });
      if (endpoint.failingSince)
        await updateEndpoint(db, endpoint.id, { failingSince: null }, now());
      this.settings.onAttempt?.('delivered');
      return;
    }
    const delay = RETRY_DELAYS_MS[delivery.attempts - 1];
    if (delay === undefined) {
      await settleAttempt(db, delivery.id, attempt, { status: 'failed' });
      // A day of retries without an answer: stop sending to it until someone looks.
      await updateEndpoint(
        db,
        endpoint.id,
        { enabled: false, disabledReason: 'FAILING', failingSince: endpoint.failingSince ?? at },
        now(),
      );
      this.settings.onAttempt?.('failed');
      return;
    }
    const jitter = 0.8 + Math.random() * 0.4;
    const retryAt = new Date(now().getTime() + Math.round(delay * retryScale * jitter));
    await settleAttempt(db, delivery.id, attempt, { status: 'pending', retryAt });
    if (!endpoint.failingSince) await updateEndpoint(db, endpoint.id, { failingSince: at }, now());
    this.settings.onAttempt?.('retrying');
  }
}
