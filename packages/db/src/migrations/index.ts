import type { Migration } from 'kysely/migration';
import * as createUsers from './20261125_1200_create_users.js';
import * as createOrganizations from './20261125_1201_create_organizations.js';
import * as createMemberships from './20261125_1202_create_memberships.js';
import * as createToolkitPolicies from './20261125_1203_create_toolkit_policies.js';
import * as createConnectedAccounts from './20261125_1204_create_connected_accounts.js';
import * as createConnectionRequests from './20261125_1205_create_connection_requests.js';
import * as createToolExecutions from './20261125_1206_create_tool_executions.js';
import * as addToolExecutionsChannel from './20261203_1000_add_tool_executions_channel.js';
import * as createAuditEvents from './20261203_1100_create_audit_events.js';
import * as addConnectionRequestsRedirectUrl from './20261203_1101_add_connection_requests_redirect_url.js';
import * as createEventsAndWebhooks from './20261203_1200_create_events_and_webhooks.js';
import * as createApprovals from './20261203_1300_create_approvals.js';
import * as addPendingExecutionsAndIdempotencyKeys from './20261203_1400_add_pending_executions_and_idempotency_keys.js';
import * as addAuditTimeIndexes from './20261203_1500_add_audit_time_indexes.js';
import * as giveIdempotencyAnswersRoom from './20261204_1000_give_idempotency_answers_room.js';

/**
 * Every migration, by name. Imported statically (not read from a folder) so that the same code
 * runs from `src` under a TypeScript loader and from `dist` on plain Node. Add new files here.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '20261125_1200_create_users': createUsers,
  '20261125_1201_create_organizations': createOrganizations,
  '20261125_1202_create_memberships': createMemberships,
  '20261125_1203_create_toolkit_policies': createToolkitPolicies,
  '20261125_1204_create_connected_accounts': createConnectedAccounts,
  '20261125_1205_create_connection_requests': createConnectionRequests,
  '20261125_1206_create_tool_executions': createToolExecutions,
  '20261203_1000_add_tool_executions_channel': addToolExecutionsChannel,
  '20261203_1100_create_audit_events': createAuditEvents,
  '20261203_1101_add_connection_requests_redirect_url': addConnectionRequestsRedirectUrl,
  '20261203_1200_create_events_and_webhooks': createEventsAndWebhooks,
  '20261203_1300_create_approvals': createApprovals,
  '20261203_1400_add_pending_executions_and_idempotency_keys':
    addPendingExecutionsAndIdempotencyKeys,
  '20261203_1500_add_audit_time_indexes': addAuditTimeIndexes,
  '20261204_1000_give_idempotency_answers_room': giveIdempotencyAnswersRoom,
};
