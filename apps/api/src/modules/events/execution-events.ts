import type { AppDeps } from '../../platform/deps.js';
import { hasSubscriber, recordEvent } from './events.repo.js';

/**
 * `execution.denied` for every refused execution whose scope has an endpoint subscribed to it
 * (opt-in: refusals can be many). The attempt's audit row is committed first; its event follows
 * in a transaction of its own, since a refusal changes nothing else the event could be tied to.
 */
export function announceDenials(deps: AppDeps): void {
  deps.audit.onSettled((attempt) => {
    if (attempt.decision !== 'denied') return;
    void (async () => {
      if (!(await hasSubscriber(deps.db, attempt.scope, 'execution.denied'))) return;
      await deps.db.transaction().execute((trx) =>
        recordEvent(
          trx,
          {
            type: 'execution.denied',
            scope: attempt.scope,
            actor: { kind: 'user', id: attempt.actorUserId },
            data: {
              executionId: attempt.executionId,
              tool: attempt.tool,
              toolkit: attempt.toolkit,
              reason: attempt.denyReason ?? attempt.errorCode ?? 'DENIED',
              channel: attempt.channel,
            },
          },
          deps.now(),
        ),
      );
      deps.deliveries?.wake();
    })().catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'could not record an execution.denied event'),
    );
  });
}
