import {
  createTestDatabase,
  databaseKindsUnderTest,
  type TestDatabase,
} from '@switchboard/db/testing';
import {
  type OrgId,
  orgScope,
  parseOrgId,
  parseUserId,
  type Scope,
  userScope,
} from '@switchboard/identity';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallerReads } from '../src/modules/callers/caller-reads.js';
import { accountById, insertAccount } from '../src/modules/connections/accounts.repo.js';
import { setMemberRole } from '../src/modules/orgs/members.repo.js';
import { insertOrganization } from '../src/modules/orgs/orgs.repo.js';
import { upsertPolicy } from '../src/modules/policies/policies.repo.js';
import { seedDemo } from '../src/seed.js';
import { statementCounter } from './statement-counter.js';

const user = parseUserId;
const acme = parseOrgId('acme');
const globex = parseOrgId('globex');
const now = new Date('2026-11-25T10:00:00Z');

/** Accounts in the map, newest last: [id, scope, toolkit]. */
const ACCOUNTS: Array<[string, Scope, string]> = [
  ['ca_alice_gh_old', userScope(user('alice')), 'github'],
  ['ca_acme_slack', orgScope(acme), 'slack'],
  ['ca_bob_gmail', userScope(user('bob')), 'gmail'],
  ['ca_globex_notion', orgScope(globex), 'notion'],
  ['ca_alice_gh_new', userScope(user('alice')), 'github'],
];

const orgIds = (memberships: ReadonlyArray<{ orgId: OrgId; role: string }>) =>
  memberships.map((m) => `${m.orgId}:${m.role}`);

describe.each(databaseKindsUnderTest())('caller reads on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedDemo(database.db);
    await insertOrganization(database.db, {
      id: globex,
      name: 'Globex',
      createdBy: user('dave'),
      now,
    });
    await setMemberRole(database.db, globex, user('dave'), 'owner', now);
    await setMemberRole(database.db, globex, user('bob'), 'viewer', now);
    await upsertPolicy(
      database.db,
      globex,
      'notion',
      {
        scope: 'org',
        connectRoles: ['owner'],
        executeRoles: ['owner', 'viewer'],
        allowTools: null,
        denyTools: ['NOTION_DELETE_PAGE'],
        requireExplicitSelection: false,
        authConfigId: null,
        approvalTools: ['NOTION_CREATE_PAGE'],
        approveRoles: ['owner'],
      },
      user('dave'),
      now,
    );
    for (const [index, [id, scope, toolkit]] of ACCOUNTS.entries()) {
      await insertAccount(database.db, {
        id,
        scope,
        toolkit,
        authConfigId: `ac_${toolkit}`,
        label: null,
        upstreamIdentity: id,
        status: 'ACTIVE',
        statusReason: null,
        connectedBy: 'alice',
        connectedAt: new Date(now.getTime() + index * 1000),
      });
    }
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('answers concurrent callers from one statement, each with their own memberships', async () => {
    const counter = statementCounter();
    const reads = new CallerReads(database.db.withPlugin(counter));
    const callers = ['alice', 'bob', 'carol', 'dave', 'erin'].map(user);
    // Every caller three times over, interleaved, all in the same turn of the event loop.
    const answers = await Promise.all(
      [...callers, ...callers, ...callers].map((userId) => reads.snapshot(userId)),
    );
    expect(counter.count).toBe(1);

    const expected: Record<string, { displayName: string | null; orgs: string[] }> = {
      alice: { displayName: 'Alice', orgs: ['acme:owner'] },
      bob: { displayName: 'Bob', orgs: ['acme:member', 'globex:viewer'] },
      carol: { displayName: 'Carol', orgs: ['acme:viewer'] },
      dave: { displayName: 'Dave', orgs: ['globex:owner'] },
      erin: { displayName: null, orgs: [] },
    };
    for (const [index, answer] of answers.entries()) {
      const userId = callers[index % callers.length] as string;
      expect({ displayName: answer.displayName, orgs: orgIds(answer.memberships) }).toStrictEqual(
        expected[userId],
      );
      for (const membership of answer.memberships) {
        const toolkits = membership.policies.map((policy) => policy.toolkit);
        if (membership.orgId === globex) expect(toolkits).toStrictEqual(['notion']);
        else expect(toolkits).not.toContain('notion');
      }
    }
    const bobsGlobex = answers[1]?.memberships.find((m) => m.orgId === globex);
    expect(bobsGlobex?.policies[0]).toMatchObject({
      scope: 'org',
      executeRoles: ['owner', 'viewer'],
      denyTools: ['NOTION_DELETE_PAGE'],
      // Read with the membership, so the execution path can hold these calls for approval.
      approvalTools: ['NOTION_CREATE_PAGE'],
      approveRoles: ['owner'],
    });
  });

  it('reads each caller’s own accounts, and an organization’s only when they are a member', async () => {
    const counter = statementCounter();
    const reads = new CallerReads(database.db.withPlugin(counter));
    const requests: Array<[string, { toolkit?: string; orgId?: OrgId }]> = [
      ['alice', {}],
      ['alice', { orgId: acme }],
      ['alice', { toolkit: 'github', orgId: acme }],
      ['alice', { orgId: globex }],
      ['bob', { orgId: globex }],
      ['bob', { toolkit: 'notion', orgId: globex }],
      ['dave', { toolkit: 'notion', orgId: globex }],
      ['carol', { toolkit: 'gmail', orgId: acme }],
      ['erin', { orgId: acme }],
    ];
    const answers = await Promise.all(
      requests.map(([userId, wanted]) => reads.accounts(user(userId), wanted)),
    );
    expect(counter.count).toBe(1);
    expect(
      answers.map((answer) => ({
        orgs: orgIds(answer.memberships),
        accounts: answer.accounts.map((account) => account.id),
      })),
    ).toStrictEqual([
      { orgs: ['acme:owner'], accounts: ['ca_alice_gh_new', 'ca_alice_gh_old'] },
      { orgs: ['acme:owner'], accounts: ['ca_alice_gh_new', 'ca_acme_slack', 'ca_alice_gh_old'] },
      { orgs: ['acme:owner'], accounts: ['ca_alice_gh_new', 'ca_alice_gh_old'] },
      // Not a member of Globex: its accounts stay out whatever the request names.
      { orgs: ['acme:owner'], accounts: ['ca_alice_gh_new', 'ca_alice_gh_old'] },
      { orgs: ['acme:member', 'globex:viewer'], accounts: ['ca_globex_notion', 'ca_bob_gmail'] },
      { orgs: ['acme:member', 'globex:viewer'], accounts: ['ca_globex_notion'] },
      { orgs: ['globex:owner'], accounts: ['ca_globex_notion'] },
      { orgs: ['acme:viewer'], accounts: [] },
      { orgs: [], accounts: [] },
    ]);
    expect(answers[4]?.accounts.map((account) => account.scope)).toStrictEqual([
      orgScope(globex),
      userScope(user('bob')),
    ]);
  });

  it('an account read with its caller is the record read on its own, to the millisecond', async () => {
    // Timestamps come back as epoch milliseconds in JSON; microseconds must be cut as the
    // driver cuts them when it parses a timestamp column.
    await sql`update connected_accounts
      set updated_at = '2026-11-25T10:00:07.999999Z', connected_at = '2026-11-25T09:59:58.123456Z'
      where id = 'ca_alice_gh_old'`.execute(database.db);
    const reads = new CallerReads(database.db);
    const { accounts } = await reads.accounts(user('bob'), { orgId: globex });
    accounts.push(...(await reads.accounts(user('alice'), { orgId: acme })).accounts);
    expect(accounts).toHaveLength(5);
    for (const account of accounts) {
      expect(account).toStrictEqual(await accountById(database.db, account.id));
    }
    const old = accounts.find((account) => account.id === 'ca_alice_gh_old');
    expect(old?.connectedAt.toISOString()).toBe('2026-11-25T09:59:58.123Z');
    expect(old?.updatedAt.toISOString()).toBe('2026-11-25T10:00:07.999Z');
  });

  it('a membership change is seen by the next read', async () => {
    const reads = new CallerReads(database.db);
    expect(orgIds((await reads.snapshot(user('carol'))).memberships)).toStrictEqual([
      'acme:viewer',
    ]);
    await setMemberRole(database.db, globex, user('carol'), 'admin', now);
    expect(orgIds((await reads.snapshot(user('carol'))).memberships)).toStrictEqual([
      'acme:viewer',
      'globex:admin',
    ]);
  });

  it('when the statement fails, every caller of the batch gets the error', async () => {
    const failing = database.db.withPlugin({
      transformQuery: (args) => args.node,
      transformResult: async () => {
        throw new Error('connection terminated');
      },
    });
    const reads = new CallerReads(failing);
    const outcomes = await Promise.allSettled(
      ['alice', 'bob', 'dave'].map((userId) => reads.snapshot(user(userId))),
    );
    expect(outcomes.map((outcome) => outcome.status)).toStrictEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
    for (const outcome of outcomes) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        message: 'connection terminated',
      });
    }
  });
});
