import { randomUUID } from 'node:crypto';
import { EVENT_TYPES } from '@switchboard/api/events';
import type { Database, MembershipRole } from '@switchboard/db';
import type { Kysely } from 'kysely';

/**
 * The benchmark's world: 1,000 users in 100 organizations (10 each, 300 of them also in a second
 * one), 5,000 connected accounts. Each user has four personal accounts (two GitHub, "work" pinned
 * as default for half of them, Gmail and Notion); each organization connects Slack and Notion at
 * the org level (its policy says so) and holds five accounts of each.
 */
export const USERS = 1_000;
export const ORGS = 100;

export interface BenchUser {
  id: string;
  /** The organization the user acts in during the benchmark. */
  orgId: string;
  /** The account the baseline executes with (the same one Switchboard picks). */
  githubAccountId: string;
}

export interface PlannedAccount {
  owner: { kind: 'user'; userId: string } | { kind: 'org'; orgId: string };
  composioUserId: string;
  toolkit: 'github' | 'gmail' | 'notion' | 'slack';
  identity: string;
  label: string | null;
  isDefault: boolean;
  connectedBy: string;
}

export interface Membership {
  orgId: string;
  userId: string;
  role: MembershipRole;
}

export interface WorldPlan {
  users: string[];
  orgs: Array<{ id: string; name: string; owner: string }>;
  memberships: Membership[];
  accounts: PlannedAccount[];
}

export const userId = (i: number) => `bu-${String(i).padStart(4, '0')}`;
export const orgId = (i: number) => `bo-${String(i).padStart(3, '0')}`;

function roleAt(rank: number): MembershipRole {
  if (rank === 0) return 'owner';
  if (rank === 1) return 'admin';
  return rank < 8 ? 'member' : 'viewer';
}

/** The world as data; deterministic, so runs are comparable. */
export function planWorld(): WorldPlan {
  const users = Array.from({ length: USERS }, (_, i) => userId(i));
  const orgs = Array.from({ length: ORGS }, (_, i) => ({
    id: orgId(i),
    name: `Bench org ${i}`,
    owner: userId(i),
  }));
  const memberships: Membership[] = [];
  for (let i = 0; i < USERS; i++) {
    memberships.push({
      orgId: orgId(i % ORGS),
      userId: userId(i),
      role: roleAt(Math.floor(i / ORGS)),
    });
    if (i < 300)
      memberships.push({ orgId: orgId((i + 37) % ORGS), userId: userId(i), role: 'member' });
  }
  const accounts: PlannedAccount[] = [];
  for (const [i, id] of users.entries()) {
    const personal = (
      toolkit: PlannedAccount['toolkit'],
      identity: string,
      label: string | null,
      isDefault = false,
    ): PlannedAccount => ({
      owner: { kind: 'user', userId: id },
      composioUserId: id,
      toolkit,
      identity,
      label,
      isDefault,
      connectedBy: id,
    });
    // Personal GitHub last, so the newest ACTIVE GitHub account is "work" for everyone.
    accounts.push(
      personal('gmail', `${id}@mail.bench.example`, null),
      personal('notion', `${id}@notion.bench.example`, null),
      personal('github', `${id}-home@bench.example`, 'personal'),
      personal('github', `${id}-work@bench.example`, 'work', i % 2 === 0),
    );
  }
  for (const org of orgs) {
    for (let k = 0; k < 5; k++) {
      for (const toolkit of ['slack', 'notion'] as const) {
        accounts.push({
          owner: { kind: 'org', orgId: org.id },
          composioUserId: `org_${org.id}`,
          toolkit,
          identity: `${org.id}-${toolkit}-${k}@bench.example`,
          label: `${toolkit} ${k}`,
          isDefault: k === 0,
          connectedBy: org.owner,
        });
      }
    }
  }
  return { users, orgs, memberships, accounts };
}

/** What the emulator answers for a seeded account (the fields the map needs). */
interface SeededAccount {
  id: string;
  user_id: string;
  toolkit: string;
  auth_config_id: string;
  status: string;
  status_reason: string | null;
  identity: string;
}

export interface SeededAccountRow {
  plan: PlannedAccount;
  upstream: SeededAccount;
}

/** Seeds every planned account in the emulator (no consent flow); returns their Composio ids. */
export async function seedEmulator(
  emulatorUrl: string,
  accounts: PlannedAccount[],
): Promise<SeededAccountRow[]> {
  const seeded: SeededAccountRow[] = [];
  const chunk = 500;
  for (let start = 0; start < accounts.length; start += chunk) {
    const batch = accounts.slice(start, start + chunk);
    const response = await fetch(`${emulatorUrl}/_emulator/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        accounts: batch.map((account) => ({
          user_id: account.composioUserId,
          toolkit: account.toolkit,
          identity: account.identity,
          ...(account.label ? { alias: account.label } : {}),
        })),
      }),
    });
    if (response.status !== 201) {
      throw new Error(`seeding the emulator: ${response.status} ${await response.text()}`);
    }
    const { items } = (await response.json()) as { items: SeededAccount[] };
    if (items.length !== batch.length) throw new Error('the emulator seeded a different number');
    for (const [i, upstream] of items.entries()) {
      const plan = batch[i];
      if (!plan || upstream.user_id !== plan.composioUserId || upstream.toolkit !== plan.toolkit) {
        throw new Error(`the emulator seeded ${upstream.id} out of order`);
      }
      seeded.push({ plan, upstream });
    }
  }
  return seeded;
}

/**
 * Subscribes `url` to every event of every organization and every user (`BENCH_WEBHOOKS`), as
 * apps that keep their screens in step would.
 */
export async function subscribeEverything(
  db: Kysely<Database>,
  world: WorldPlan,
  url: string,
): Promise<number> {
  const now = new Date();
  const rows = [
    ...world.orgs.map((org) => ({
      scope_kind: 'org' as const,
      scope_user_id: null,
      scope_org_id: org.id,
      composio_user_id: `org_${org.id}`,
    })),
    ...world.users.map((id) => ({
      scope_kind: 'user' as const,
      scope_user_id: id,
      scope_org_id: null,
      composio_user_id: id,
    })),
  ].map((scope) => ({
    ...scope,
    id: randomUUID(),
    url,
    event_types: [...EVENT_TYPES],
    secret: `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
    created_by: 'bench',
    created_at: now,
    updated_at: now,
  }));
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insertInto('webhook_endpoints')
      .values(rows.slice(start, start + 500))
      .execute();
  }
  return rows.length;
}

/** Writes users, organizations, memberships, policies and the account map (rule 6). */
export async function seedDatabase(
  db: Kysely<Database>,
  world: WorldPlan,
  accounts: SeededAccountRow[],
): Promise<void> {
  const insertChunks = async <T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) => {
    for (let start = 0; start < rows.length; start += 500) {
      await insert(rows.slice(start, start + 500));
    }
  };
  // Connection times strictly increase in plan order, a second apart, so "the most recently
  // connected account" is well defined (the emulator seeds many in one millisecond).
  const newest = Date.now();
  const connectedAt = (index: number) => new Date(newest - (accounts.length - index) * 1_000);
  const indexed = accounts.map((row, index) => ({ ...row, index }));
  await db.transaction().execute(async (trx) => {
    await insertChunks(world.users, (chunk) =>
      trx
        .insertInto('users')
        .values(chunk.map((id) => ({ id, display_name: `Bench user ${id}` })))
        .execute(),
    );
    await trx
      .insertInto('organizations')
      .values(world.orgs.map((org) => ({ id: org.id, name: org.name, created_by: org.owner })))
      .execute();
    await insertChunks(world.memberships, (chunk) =>
      trx
        .insertInto('memberships')
        .values(chunk.map((m) => ({ org_id: m.orgId, user_id: m.userId, role: m.role })))
        .execute(),
    );
    await trx
      .insertInto('toolkit_policies')
      .values(
        world.orgs.flatMap((org) =>
          (['slack', 'notion'] as const).map((toolkit) => ({
            org_id: org.id,
            toolkit,
            scope: 'org' as const,
            connect_roles: ['owner', 'admin'] as MembershipRole[],
            execute_roles: ['owner', 'admin', 'member'] as MembershipRole[],
            updated_by: org.owner,
          })),
        ),
      )
      .execute();
    await insertChunks(indexed, (chunk) =>
      trx
        .insertInto('connected_accounts')
        .values(
          chunk.map(({ plan, upstream, index }) => {
            const at = connectedAt(index);
            return {
              id: upstream.id,
              scope_kind: plan.owner.kind,
              scope_user_id: plan.owner.kind === 'user' ? plan.owner.userId : null,
              scope_org_id: plan.owner.kind === 'org' ? plan.owner.orgId : null,
              composio_user_id: plan.composioUserId,
              toolkit: plan.toolkit,
              auth_config_id: upstream.auth_config_id,
              label: plan.label,
              upstream_identity: upstream.identity,
              status: 'ACTIVE' as const,
              status_reason: upstream.status_reason,
              is_default: plan.isDefault,
              connected_by: plan.connectedBy,
              connected_at: at,
              created_at: at,
              updated_at: at,
            };
          }),
        )
        .execute(),
    );
  });
}

/** The users as the load generator needs them. */
export function benchUsers(world: WorldPlan, accounts: SeededAccountRow[]): BenchUser[] {
  const work = new Map<string, string>();
  for (const { plan, upstream } of accounts) {
    if (plan.owner.kind === 'user' && plan.toolkit === 'github' && plan.label === 'work') {
      work.set(plan.owner.userId, upstream.id);
    }
  }
  const primaryOrg = new Map<string, string>();
  for (const m of world.memberships)
    if (!primaryOrg.has(m.userId)) primaryOrg.set(m.userId, m.orgId);
  return world.users.map((id) => {
    const githubAccountId = work.get(id);
    const org = primaryOrg.get(id);
    if (!githubAccountId || !org) throw new Error(`user ${id} was not seeded completely`);
    return { id, orgId: org, githubAccountId };
  });
}
