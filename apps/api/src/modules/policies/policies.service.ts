import {
  type OrgId,
  type ToolkitPolicyInput,
  toolkitPolicySchema,
  type UserId,
} from '@switchboard/identity';
import { AppError } from '../../errors.js';
import type { AppDeps } from '../../platform/deps.js';
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
  return toView(await upsertPolicy(deps.db, orgId, toolkit, policy, by, deps.now()));
}

/** Removes a toolkit's policy: the toolkit is personal again. */
export async function removePolicy(deps: AppDeps, orgId: OrgId, toolkit: string) {
  if (!(await deletePolicy(deps.db, orgId, toolkit))) {
    throw new AppError('NOT_FOUND', `Organization ${orgId} has no policy for ${toolkit}`);
  }
  return { toolkit, removed: true as const };
}
