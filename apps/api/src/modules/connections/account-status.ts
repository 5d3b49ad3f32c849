import type { AccountInfo } from '@switchboard/composio-gateway';
import type { AccountStatus } from '@switchboard/identity';

/** The status an account should have in the map, as Composio reports it. */
export function upstreamStatus(info: AccountInfo): {
  status: AccountStatus;
  statusReason: string | null;
} {
  if (info.disabled) return { status: 'INACTIVE', statusReason: info.statusReason ?? 'DISABLED' };
  return { status: info.status, statusReason: info.statusReason };
}
