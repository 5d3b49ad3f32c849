import type { Database } from '@switchboard/db';
import type { OrgId, Role, ToolkitPolicy, UserId } from '@switchboard/identity';
import type { Kysely, Selectable, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;
type PolicyRow = Selectable<Database['toolkit_policies']>;

export interface StoredPolicy extends ToolkitPolicy {
  toolkit: string;
  updatedAt: Date;
  updatedBy: string | null;
}

function toPolicy(row: PolicyRow): StoredPolicy {
  return {
    toolkit: row.toolkit,
    scope: row.scope as ToolkitPolicy['scope'],
    connectRoles: row.connect_roles as Role[],
    executeRoles: row.execute_roles as Role[],
    allowTools: row.allow_tools,
    denyTools: row.deny_tools,
    requireExplicitSelection: row.require_explicit_selection,
    authConfigId: row.auth_config_id,
    approvalTools: row.approval_tools,
    approveRoles: row.approve_roles as Role[],
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export async function policiesOf(db: Db, orgId: OrgId): Promise<StoredPolicy[]> {
  const rows = await db
    .selectFrom('toolkit_policies')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('toolkit')
    .execute();
  return rows.map(toPolicy);
}

export async function upsertPolicy(
  db: Db,
  orgId: OrgId,
  toolkit: string,
  policy: ToolkitPolicy,
  by: UserId,
  now: Date,
): Promise<StoredPolicy> {
  const values = {
    scope: policy.scope,
    connect_roles: [...policy.connectRoles],
    execute_roles: [...policy.executeRoles],
    allow_tools: policy.allowTools ? [...policy.allowTools] : null,
    deny_tools: [...policy.denyTools],
    require_explicit_selection: policy.requireExplicitSelection,
    auth_config_id: policy.authConfigId,
    approval_tools: [...policy.approvalTools],
    approve_roles: [...policy.approveRoles],
    updated_at: now,
    updated_by: by,
  };
  const row = await db
    .insertInto('toolkit_policies')
    .values({ org_id: orgId, toolkit, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'toolkit']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPolicy(row);
}

export async function deletePolicy(db: Db, orgId: OrgId, toolkit: string): Promise<boolean> {
  const result = await db
    .deleteFrom('toolkit_policies')
    .where('org_id', '=', orgId)
    .where('toolkit', '=', toolkit)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
