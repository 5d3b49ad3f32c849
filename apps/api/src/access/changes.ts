import type { Action, Principal, Scope, Target } from '@switchboard/identity';
import { AppError } from '../errors.js';
import type { Channel } from '../modules/audit/audit.repo.js';
import { MANAGEMENT_ACTIONS } from '../modules/audit/audit.schema.js';
import { recordRefusal } from '../modules/audit/audit.service.js';
import type { AppDeps } from '../platform/deps.js';
import { authorize } from './authorize.js';

const CHANGES: ReadonlySet<Action> = new Set<Action>(MANAGEMENT_ACTIONS);

/**
 * `authorize`, recording the refusal when a member of an organization is refused a change there
 * for their role (a viewer connecting for the organization, a member changing a policy), so its
 * admins see it in the organization's log. Refusals of scopes the caller cannot see (NOT_FOUND)
 * are not recorded against them.
 */
export async function authorizeChange(
  deps: AppDeps,
  principal: Principal,
  action: Action,
  target: Target,
  record: { subject: string | null; channel: Channel },
): Promise<Scope> {
  try {
    return authorize(principal, action, target);
  } catch (error) {
    if (
      error instanceof AppError &&
      error.reason === 'ROLE_REQUIRED' &&
      CHANGES.has(action) &&
      target.scope.kind === 'org'
    ) {
      await recordRefusal(deps, {
        actorUserId: principal.userId,
        scope: target.scope,
        action,
        target: record.subject,
        reason: error.reason,
        channel: record.channel,
      });
    }
    throw error;
  }
}
