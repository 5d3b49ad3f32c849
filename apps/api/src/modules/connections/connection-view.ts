import type { AccountStatus } from '@switchboard/identity';
import { publicScope } from '../scope-columns.js';
import type { AccountRecord } from './accounts.repo.js';

/** One account of the map as the API shows it. */
export interface ConnectionView {
  id: string;
  toolkit: string;
  scope: { kind: 'user' | 'org'; id: string };
  label: string | null;
  upstreamIdentity: string | null;
  status: AccountStatus;
  statusReason: string | null;
  isDefault: boolean;
  connectedAt: string;
  connectedBy: string | null;
}

export function toView(account: AccountRecord): ConnectionView {
  return {
    id: account.id,
    toolkit: account.toolkit,
    scope: publicScope(account.scope),
    label: account.label,
    upstreamIdentity: account.upstreamIdentity,
    status: account.status,
    statusReason: account.statusReason,
    isDefault: account.isDefault,
    connectedAt: account.connectedAt.toISOString(),
    connectedBy: account.connectedBy,
  };
}
