import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { AccountRecord } from './types.js';

/** Where Composio's webhook subscription would deliver, and with which secret. */
export interface WebhookTarget {
  url: string;
  /** A Standard Webhooks secret (`whsec_…`). */
  secret: string;
}

/** One webhook as sent, body and headers exactly, so a test can verify or replay it. */
export interface SentWebhook {
  id: string;
  type: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** What the receiver answered (null: no answer). */
  status: number | null;
  error: string | null;
}

const SENT_LIMIT = 1_000;

/**
 * The emulator's side of Composio's webhook subscriptions: when an account expires, it posts a
 * V3 `composio.connected_account.expired` event, signed per Standard Webhooks as Composio signs
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`), to the configured target.
 */
export class WebhookSender {
  target: WebhookTarget | null = null;
  readonly sent: SentWebhook[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly now: () => number) {}

  /** The account's credentials stopped working upstream. */
  accountExpired(account: AccountRecord): void {
    this.send('composio.connected_account.expired', {
      id: account.id,
      toolkit: { slug: account.toolkit },
      auth_config: { id: account.authConfigId, auth_scheme: 'OAUTH2' },
      user_id: account.userId,
      status: account.status,
      status_reason: account.statusReason,
    });
  }

  private send(type: string, data: Record<string, unknown>): void {
    const target = this.target;
    if (!target) return;
    const id = `msg_${randomUUID()}`;
    const at = new Date(this.now());
    const body = JSON.stringify({
      id,
      type,
      metadata: { project_id: 'pr_emulator', org_id: 'ok_emulator' },
      data,
      timestamp: at.toISOString(),
    });
    const headers = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(target.secret).sign(id, at, body),
      'x-composio-webhook-version': 'V3',
      'x-composio-delivery-attempt': '1',
    };
    const record: SentWebhook = {
      id,
      type,
      url: target.url,
      body,
      headers,
      status: null,
      error: null,
    };
    this.sent.push(record);
    if (this.sent.length > SENT_LIMIT) this.sent.shift();
    const delivery = fetch(target.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (response) => {
        record.status = response.status;
        await response.arrayBuffer();
      })
      .catch((error: unknown) => {
        record.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Resolves once every webhook sent so far has its answer. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
