import type { FastifyInstance, FastifyReply } from 'fastify';
import { normalizeIdentity } from '../catalog/identity.js';
import { findToolkit } from '../catalog/toolkits.js';
import { consentPage, FAVICON_SVG, messagePage } from '../consent/page.js';
import type { ConsentTarget } from '../state/store.js';
import type { RouteDeps } from './shared.js';

interface ConsentForm {
  decision?: string;
  identity?: string;
  identity_custom?: string;
}

/**
 * The page a link's `redirect_url` opens: approve (as a chosen upstream identity) or deny, then
 * back to the callback with `status=success|failed&connected_account_id=…` (after the legacy
 * initiate: `status=…&connectedAccountId=…&appName=<toolkit>`).
 */
export function consentRoutes(app: FastifyInstance, { state, displayName }: RouteDeps): void {
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(body);

  /** Answers for a token that cannot be used; null when it is pending. */
  const unusable = (reply: FastifyReply, target: ConsentTarget) => {
    switch (target.kind) {
      case 'unknown':
        return html(
          reply,
          404,
          messagePage('Link not found', 'This connection link does not exist.'),
        );
      case 'expired':
        return html(
          reply,
          410,
          messagePage(
            'Link expired',
            'This connection link has expired. Start the connection again.',
          ),
        );
      case 'used':
        return html(
          reply,
          410,
          messagePage('Link already used', 'This connection link has already been used.'),
        );
      case 'pending':
        return null;
    }
  };

  app.get('/favicon.ico', async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG),
  );

  app.get<{ Params: { token: string } }>('/consent/:token', async (request, reply) => {
    const target = state.consentTarget(request.params.token);
    if (target.kind !== 'pending') return unusable(reply, target);
    const { account } = target;
    return html(
      reply,
      200,
      consentPage({
        toolkitName: findToolkit(account.toolkit)?.name ?? account.toolkit,
        toolkitSlug: account.toolkit,
        userId: account.userId,
        displayName: displayName?.(account.userId),
        accountId: account.id,
        alias: account.alias,
        suggestions: target.suggestions,
        selected: account.identity ?? target.suggestions[0] ?? null,
        expiresAt: new Date(account.link?.expiresAt ?? state.now()).toISOString(),
      }),
    );
  });

  app.post<{ Params: { token: string }; Body: ConsentForm | undefined }>(
    '/consent/:token',
    async (request, reply) => {
      const form = request.body ?? {};
      const target = state.consentTarget(request.params.token);
      if (target.kind !== 'pending') return unusable(reply, target);
      if (form.decision !== 'approve' && form.decision !== 'deny') {
        return html(
          reply,
          400,
          messagePage('Bad request', "decision must be 'approve' or 'deny'."),
        );
      }
      let decision: { approve: true; identity: string } | { approve: false } = { approve: false };
      if (form.decision === 'approve') {
        const raw = form.identity_custom?.trim() || form.identity || target.suggestions[0] || '';
        const identity = normalizeIdentity(raw);
        if (!identity) {
          return html(reply, 400, messagePage('Bad request', `'${raw}' is not a usable identity.`));
        }
        decision = { approve: true, identity };
      }
      const { account, callbackUrl } = state.completeConsent(request.params.token, decision);
      const status = account.status === 'ACTIVE' ? 'success' : 'failed';
      if (callbackUrl) {
        const target = new URL(callbackUrl);
        target.searchParams.set('status', status);
        // Composio names the account in snake case after a link, in camel case (with the
        // toolkit as `appName`) after the legacy initiate; its OpenAPI description is silent.
        if (account.startedBy === 'initiate') {
          target.searchParams.set('connectedAccountId', account.id);
          target.searchParams.set('appName', account.toolkit);
        } else {
          target.searchParams.set('connected_account_id', account.id);
        }
        return reply.redirect(target.toString(), 302);
      }
      return html(
        reply,
        200,
        messagePage(
          status === 'success' ? 'Connected' : 'Connection denied',
          status === 'success'
            ? `Connected ${account.toolkit} as ${account.identity}. You can close this window.`
            : 'You denied the connection. You can close this window.',
        ),
      );
    },
  );
}
