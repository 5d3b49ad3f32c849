import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { toAppError } from '../../platform/error-mapping.js';
import { settleRequest, webRedirectFor } from './connection-requests.service.js';
import { requestById } from './requests.repo.js';

const callbackQuery = z.object({
  request_id: z.uuid(),
  status: z.string().max(32).optional(),
  connected_account_id: z.string().max(128).optional(),
});

/**
 * Where Composio sends the browser after consent. Nothing in the query is trusted: the request is
 * settled from what Composio itself reports about the request's own account. The browser always
 * goes on to the web app, with the reason when settling failed; failures before the request is
 * known (the database down) are the app's error handler's.
 */
export function registerCallbackRoute(app: FastifyInstance, deps: AppDeps) {
  app.get('/connections/callback', async (req, reply) => {
    const query = callbackQuery.safeParse(req.query);
    if (!query.success) return reply.redirect(webRedirectFor(deps, undefined, 'INVALID_CALLBACK'));
    const request = await requestById(deps.db, query.data.request_id);
    if (!request) return reply.redirect(webRedirectFor(deps, undefined, 'UNKNOWN_REQUEST'));
    const reported = query.data.connected_account_id;
    if (reported !== undefined && reported !== request.connectedAccountId) {
      req.log.warn(
        { requestId: request.id },
        'callback names an account that is not the request’s',
      );
      return reply.redirect(webRedirectFor(deps, request, 'ACCOUNT_MISMATCH'));
    }
    try {
      const settled = await settleRequest(deps, request);
      return reply.redirect(webRedirectFor(deps, settled));
    } catch (error) {
      const mapped = toAppError(error);
      if (!(mapped instanceof AppError)) throw error;
      req.log.warn({ err: mapped, requestId: request.id }, 'could not settle a connection request');
      return reply.redirect(webRedirectFor(deps, request, mapped.reason));
    }
  });
}
