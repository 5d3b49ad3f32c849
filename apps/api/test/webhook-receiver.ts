import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with the next request: answer with a status, after a delay, or hang. */
export type Behaviour = { status: number; delayMs?: number } | { hang: true };

/**
 * A real HTTP receiver for webhooks, as another team would run one: it records every request
 * and verifies each with the `standardwebhooks` package and the endpoint's secret(s).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Behaviours for the next requests, in order; then 204. */
  readonly script: Behaviour[] = [];
  private server: Server | undefined;
  url = '';

  async start(path = '/hook'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({
          at: Date.now(),
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const next = this.script.shift() ?? { status: 204 };
        if ('hang' in next) return;
        setTimeout(
          () => res.writeHead(next.status).end(next.status >= 400 ? 'nope' : ''),
          next.delayMs ?? 0,
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  /** The bodies of the requests that verify with `secret`, parsed. */
  verified(secret: string): Array<Record<string, unknown> & { id: string; type: string }> {
    const webhook = new Webhook(secret);
    return this.received.flatMap((request) => {
      try {
        return [
          webhook.verify(request.body, request.headers as Record<string, string>) as Record<
            string,
            unknown
          > & { id: string; type: string },
        ];
      } catch {
        return [];
      }
    });
  }

  /** Waits until `count` requests arrived (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} webhook requests, got ${this.received.length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
