import type { Membership } from './decide.js';
import type { OrgId, UserId } from './ids.js';
import type { Member } from './members.js';
import type { ToolkitPolicy } from './policies.js';

/*
 * The reads this package's decisions need. identity does no I/O: the app implements these (with
 * Kysely in apps/api) and passes the results to `decide`, `routeToolkit` and `planRoleChange`.
 */

/**
 * A caller's memberships. Read on every request, never cached across requests: a removed member
 * must lose access on the next request (docs/design.md rule 8).
 */
export interface MembershipReader {
  membershipsOf(userId: UserId): Promise<Membership[]>;
}

/** An org's toolkit policies keyed by toolkit slug. A toolkit without an entry is personal. */
export interface PolicyReader {
  policiesOf(orgId: OrgId): Promise<Map<string, ToolkitPolicy>>;
}

/** All members of an org, for `planRoleChange`. Read inside the transaction that applies the plan. */
export interface MemberReader {
  membersOf(orgId: OrgId): Promise<Member[]>;
}
