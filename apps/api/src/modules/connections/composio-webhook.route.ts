import type { FastifyInstance } from 'fastify';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { recordAccountEvent, statusEvent } from './account-status.js';
import { accountById, updateAccount } from './accounts.repo.js';

/** Composio's account events (V3 payloads); their `data` is the connected account. */
const accountEvent = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(200),
  data: z
    .object({
      id: z.string().min(1).max(128),
      status: z.string().max(40).optional(),
      status_reason: z.string().max(500).nullish(),
    })
    .passthrough(),
});

/** The account statuses Composio's events put an account in. */
const STATUS_OF_EVENT: Record<string, 'EXPIRED'> = {
  'composio.connected_account.expired': 'EXPIRED',
};

/**
 * Where Composio's webhook subscription posts account events: verified with its Standard
 * Webhooks secret (`COMPOSIO_WEBHOOK_SECRET`; refused with 401 otherwise, nothing changed), then
 * the account map is updated at once and `connection.expired` emitted, in one transaction with
 * the webhook id, so a replay of the same id changes nothing twice.
 */
export function registerComposioWebhookRoute(app: FastifyInstance, deps: AppDeps) {
  app.register(async (scope) => {
    // The signature covers the body as sent: keep it as text.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post('/webhooks/composio', async (req, reply) => {
      const secret = deps.config.COMPOSIO_WEBHOOK_SECRET;
      if (!secret) {
        throw new AppError(
          'NOT_FOUND',
          'Composio webhooks are not configured (COMPOSIO_WEBHOOK_SECRET)',
        );
      }
      const raw = typeof req.body === 'string' ? req.body : '';
      let payload: unknown;
      try {
        payload = new Webhook(secret).verify(raw, req.headers as Record<string, string>);
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        throw new AppError(
          'INVALID_SIGNATURE',
          `The webhook's signature does not verify: ${error.message}`,
        );
      }
      const event = accountEvent.safeParse(payload);
      if (!event.success) {
        throw new AppError('INVALID_INPUT', 'The webhook is not a Composio account event');
      }
      const webhookId = String(req.headers['webhook-id']);
      const status = STATUS_OF_EVENT[event.data.type];
      const now = deps.now();
      const outcome = await deps.db.transaction().execute(async (trx) => {
        const first = await trx
          .insertInto('composio_webhooks')
          .values({ webhook_id: webhookId, type: event.data.type, received_at: now })
          .onConflict((oc) => oc.column('webhook_id').doNothing())
          .returning('webhook_id')
          .executeTakeFirst();
        if (!first) return 'duplicate';
        if (!status) return 'ignored';
        const account = await accountById(trx, event.data.data.id);
        if (!account) return 'ignored';
        const reason = event.data.data.status_reason ?? 'EXPIRED_UPSTREAM';
        await updateAccount(trx, account.id, { status, statusReason: reason }, now);
        const type = statusEvent(account.status, status);
        if (type) await recordAccountEvent(trx, type, account.id, { kind: 'composio' }, now);
        return 'applied';
      });
      if (outcome === 'applied') deps.deliveries?.wake();
      return reply.code(200).send({ received: true, outcome });
    });
  });
}
