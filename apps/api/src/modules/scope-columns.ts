import { composioUserIdFor, type OrgId, type Scope, type UserId } from '@switchboard/identity';

/** The columns every scope-owned row carries (accounts, connection requests, audit rows). */
export interface ScopeColumns {
  scope_kind: 'user' | 'org';
  scope_user_id: string | null;
  scope_org_id: string | null;
  composio_user_id: string;
}

export function scopeColumns(scope: Scope): ScopeColumns {
  return scope.kind === 'user'
    ? {
        scope_kind: 'user',
        scope_user_id: scope.userId,
        scope_org_id: null,
        composio_user_id: composioUserIdFor(scope),
      }
    : {
        scope_kind: 'org',
        scope_user_id: null,
        scope_org_id: scope.orgId,
        composio_user_id: composioUserIdFor(scope),
      };
}

/** Rows were written through `scopeColumns`, so the ids in them already passed identity's rules. */
export function scopeOfRow(row: {
  scope_kind: string;
  scope_user_id: string | null;
  scope_org_id: string | null;
}): Scope {
  if (row.scope_kind === 'org' && row.scope_org_id !== null) {
    return { kind: 'org', orgId: row.scope_org_id as OrgId };
  }
  if (row.scope_kind === 'user' && row.scope_user_id !== null) {
    return { kind: 'user', userId: row.scope_user_id as UserId };
  }
  throw new Error(`A row has an inconsistent scope (${row.scope_kind})`);
}

/** The scope as API responses show it. */
export function publicScope(scope: Scope): { kind: 'user' | 'org'; id: string } {
  return scope.kind === 'user'
    ? { kind: 'user', id: scope.userId }
    : { kind: 'org', id: scope.orgId };
}
