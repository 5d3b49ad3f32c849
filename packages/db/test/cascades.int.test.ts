import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/index.js';
import { createTestDatabase, databaseKindsUnderTest, type TestDatabase } from '../src/testing.js';
import {
  insertAccount,
  insertExecution,
  insertMembership,
  insertOrg,
  insertPolicy,
  insertRequest,
  insertUser,
  orgScope,
  userScope,
} from './factories.js';

/** Every row in the database, by table, as sorted ids: what a deletion left behind. */
async function snapshot(db: Kysely<Database>) {
  const ids = async (query: Promise<{ id: string }[]>) => (await query).map((r) => r.id).sort();
  return {
    users: await ids(db.selectFrom('users').select('id').execute()),
    organizations: await ids(db.selectFrom('organizations').select('id').execute()),
    memberships: await ids(
      db.selectFrom('memberships').select(sql<string>`org_id || '/' || user_id`.as('id')).execute(),
    ),
    toolkit_policies: await ids(
      db
        .selectFrom('toolkit_policies')
        .select(sql<string>`org_id || '/' || toolkit`.as('id'))
        .execute(),
    ),
    connected_accounts: await ids(db.selectFrom('connected_accounts').select('id').execute()),
    connection_requests: await ids(
      db.selectFrom('connection_requests').select('connected_account_id as id').execute(),
    ),
    tool_executions: await ids(db.selectFrom('tool_executions').select('tool as id').execute()),
  };
}

describe.each(databaseKindsUnderTest())('deletions on %s', (kind) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    db = database.db;

    // Two orgs so each test can show the other one is untouched; alice and bob are members of
    // acme, carol of globex. Each scope holds accounts, requests and audit rows.
    for (const id of ['alice', 'bob', 'carol']) await insertUser(db, { id });
    for (const id of ['acme', 'globex']) await insertOrg(db, { id, created_by: 'alice' });
    await insertMembership(db, { org_id: 'acme', user_id: 'alice', role: 'owner' });
    await insertMembership(db, { org_id: 'acme', user_id: 'bob', role: 'member' });
    await insertMembership(db, { org_id: 'globex', user_id: 'carol', role: 'owner' });
    await insertPolicy(db, 'acme', { toolkit: 'slack', updated_by: 'alice' });
    await insertPolicy(db, 'globex', { toolkit: 'slack', updated_by: 'carol' });

    await insertAccount(db, orgScope('acme'), {
      id: 'ca_acme_slack',
      toolkit: 'slack',
      connected_by: 'alice',
    });
    await insertAccount(db, orgScope('globex'), {
      id: 'ca_globex_slack',
      toolkit: 'slack',
      connected_by: 'carol',
    });
    await insertAccount(db, userScope('alice'), { id: 'ca_alice_gmail' });
    await insertAccount(db, userScope('bob'), { id: 'ca_bob_gmail' });

    await insertRequest(db, orgScope('acme'), 'alice', { connected_account_id: 'ca_acme_req' });
    await insertRequest(db, orgScope('acme'), 'alice', {
      connected_account_id: 'ca_acme_slack',
      reconnect_of: 'ca_acme_slack',
    });
    await insertRequest(db, orgScope('globex'), 'carol', { connected_account_id: 'ca_globex_req' });
    await insertRequest(db, userScope('alice'), 'alice', { connected_account_id: 'ca_alice_req' });
    await insertRequest(db, userScope('bob'), 'bob', { connected_account_id: 'ca_bob_req' });

    await insertExecution(db, orgScope('acme'), 'bob', { tool: 'acme_by_bob' });
    await insertExecution(db, orgScope('globex'), 'carol', { tool: 'globex_by_carol' });
    await insertExecution(db, userScope('alice'), 'alice', { tool: 'alice_personal' });
    await insertExecution(db, userScope('bob'), 'bob', { tool: 'bob_personal' });
  });
  afterEach(() => database.destroy());

  it('deleting an organization removes its memberships, policies, accounts, requests and audit', async () => {
    await db.deleteFrom('organizations').where('id', '=', 'acme').execute();

    expect(await snapshot(db)).toStrictEqual({
      users: ['alice', 'bob', 'carol'],
      organizations: ['globex'],
      memberships: ['globex/carol'],
      toolkit_policies: ['globex/slack'],
      connected_accounts: ['ca_alice_gmail', 'ca_bob_gmail', 'ca_globex_slack'],
      connection_requests: ['ca_alice_req', 'ca_bob_req', 'ca_globex_req'],
      tool_executions: ['alice_personal', 'bob_personal', 'globex_by_carol'],
    });
  });

  it('deleting a user keeps the org accounts they connected, without them', async () => {
    await db.deleteFrom('users').where('id', '=', 'alice').execute();

    const acmeSlack = await db
      .selectFrom('connected_accounts')
      .select(['connected_by', 'status'])
      .where('id', '=', 'ca_acme_slack')
      .executeTakeFirst();
    expect(acmeSlack).toStrictEqual({ connected_by: null, status: 'ACTIVE' });
  });

  it('deleting a user removes their memberships, personal accounts and requests; the audit stays', async () => {
    await db.deleteFrom('users').where('id', '=', 'alice').execute();

    expect(await snapshot(db)).toStrictEqual({
      users: ['bob', 'carol'],
      organizations: ['acme', 'globex'],
      memberships: ['acme/bob', 'globex/carol'],
      toolkit_policies: ['acme/slack', 'globex/slack'],
      connected_accounts: ['ca_acme_slack', 'ca_bob_gmail', 'ca_globex_slack'],
      // alice requested both of acme's requests: a request goes with its requester.
      connection_requests: ['ca_bob_req', 'ca_globex_req'],
      tool_executions: ['acme_by_bob', 'alice_personal', 'bob_personal', 'globex_by_carol'],
    });
  });

  it('deleting a user clears them as creator of orgs and editor of policies', async () => {
    await db.deleteFrom('users').where('id', '=', 'alice').execute();

    const acme = await db
      .selectFrom('organizations')
      .select('created_by')
      .where('id', '=', 'acme')
      .executeTakeFirstOrThrow();
    const policy = await db
      .selectFrom('toolkit_policies')
      .select('updated_by')
      .where('org_id', '=', 'acme')
      .executeTakeFirstOrThrow();
    expect([acme.created_by, policy.updated_by]).toStrictEqual([null, null]);
  });

  it('deleting a connected account removes the requests that reconnect it', async () => {
    await db.deleteFrom('connected_accounts').where('id', '=', 'ca_acme_slack').execute();

    const requests = await db
      .selectFrom('connection_requests')
      .select('connected_account_id')
      .where('scope_org_id', '=', 'acme')
      .execute();
    expect(requests).toStrictEqual([{ connected_account_id: 'ca_acme_req' }]);
  });
});
