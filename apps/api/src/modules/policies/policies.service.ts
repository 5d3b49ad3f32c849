import {
  type OrgId,
  orgScope,
  type ToolkitPolicyInput,
  toolkitPolicySchema,
  type UserId,
} from '@switchboard/identity';
import { AppError } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
import { recordEvent } from '../events/events.repo.js';
import { deletePolicy, policiesOf, type StoredPolicy, upsertPolicy } from './policies.repo.js';

export interface PolicyView extends Omit<StoredPolicy, 'updatedAt'> {
  updatedAt: string;
}

const toView = (policy: StoredPolicy): PolicyView => ({
  ...policy,
  updatedAt: policy.updatedAt.toISOString(),
});

/** An organization's toolkit policies (rule 4), by toolkit. */
export async function listPolicies(deps: AppDeps, orgId: OrgId): Promise<PolicyView[]> {
  return (await policiesOf(deps.db, orgId)).map(toView);
}

/** Sets a toolkit's policy, filling what is not given with identity's defaults. */
export async function setPolicy(
  deps: AppDeps,
  orgId: OrgId,
  toolkit: string,
  fields: ToolkitPolicyInput,
  by: UserId,
): Promise<PolicyView> {
  const policy = toolkitPolicySchema.parse(fields);
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const stored = await upsertPolicy(trx, orgId, toolkit, policy, by, now);
    const { updatedAt: _at, updatedBy: _by, ...data } = stored;
    await recordEvent(
      trx,
      {
        type: 'policy.changed',
        scope: orgScope(orgId),
        actor: { kind: 'user', id: by },
        data: { toolkit, policy: { ...data, toolkit } },
      },
      now,
    );
    return toView(stored);
  });
}

/** Removes a toolkit's policy: the toolkit is personal again. */
export async function removePolicy(deps: AppDeps, orgId: OrgId, toolkit: string, by: UserId) {
  const now = deps.now();
  const removed = await deps.db.transaction().execute(async (trx) => {
    if (!(await deletePolicy(trx, orgId, toolkit))) return false;
    await recordEvent(
      trx,
      {
        type: 'policy.changed',
        scope: orgScope(orgId),
        actor: { kind: 'user', id: by },
        data: { toolkit, policy: null },
      },
      now,
    );
    return true;
  });
  if (!removed) {
    throw new AppError('NOT_FOUND', `Organization ${orgId} has no policy for ${toolkit}`);
  }
  return { toolkit, removed: true as const };
}
