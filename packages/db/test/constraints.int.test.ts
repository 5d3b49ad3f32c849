import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgErrorCode } from '../src/index.js';
import { createTestDatabase, databaseKindsUnderTest, type TestDatabase } from '../src/testing.js';
import {
  buildAccount,
  buildExecution,
  buildOrg,
  buildPolicy,
  buildRequest,
  buildUser,
  insertAccount,
  insertExecution,
  insertMembership,
  insertOrg,
  insertPolicy,
  insertRequest,
  insertUser,
  orgScope,
  uniqueId,
  userScope,
} from './factories.js';

const { uniqueViolation, checkViolation, foreignKeyViolation } = PgErrorCode;

/** Asserts the SQLSTATE (and constraint, when given) a write fails with, on either driver. */
async function expectRejected(write: Promise<unknown>, code: string, constraint?: string) {
  await expect(write).rejects.toMatchObject(
    constraint === undefined ? { code } : { code, constraint },
  );
}

describe.each(databaseKindsUnderTest())('schema constraints on %s', (kind) => {
  let database: TestDatabase;
  // One database per suite: every test writes rows with fresh ids, so they never collide.
  const db = () => database.db;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database?.destroy());

  describe('users', () => {
    it.each([
      'org_acme',
      'default',
      'DeFault',
      'alice@example.com',
      '-leading-dash',
      'has space',
      'x'.repeat(129),
    ])('rejects the id %j', async (id) => {
      await expectRejected(insertUser(db(), { id }), checkViolation, 'users_id_check');
    });

    it.each([
      '3f1c9a52-6f5e-4c1e-9a55-1c2d3e4f5a6b',
      'auth0:abc',
      'user.name_1-x',
      'Org_is-not-the-org-prefix',
    ])('accepts the id %j', async (id) => {
      await expect(insertUser(db(), { id })).resolves.toMatchObject({
        id,
        display_name: 'Test User',
      });
    });

    it('rejects a duplicate id', async () => {
      const user = await insertUser(db());

      await expectRejected(insertUser(db(), { id: user.id }), uniqueViolation, 'users_pkey');
    });
  });

  describe('organizations', () => {
    it.each(['-acme', 'acme corp', 'a'.repeat(64), 'acme.io', ''])(
      'rejects the id %j',
      async (id) => {
        await expectRejected(insertOrg(db(), { id }), checkViolation, 'organizations_id_check');
      },
    );

    it('accepts a 63-character id', async () => {
      const id = `A${uniqueId('_').padEnd(62, 'z')}`;

      await expect(insertOrg(db(), { id })).resolves.toMatchObject({ id });
    });

    it.each([
      ['empty', ''],
      ['201 characters long', 'n'.repeat(201)],
    ])('rejects a name that is %s', async (_length, name) => {
      await expectRejected(insertOrg(db(), { name }), checkViolation, 'organizations_name_check');
    });

    it('rejects an unknown creator', async () => {
      await expectRejected(
        insertOrg(db(), { created_by: uniqueId('ghost-') }),
        foreignKeyViolation,
        'organizations_created_by_fkey',
      );
    });
  });

  describe('memberships', () => {
    it('rejects an unknown role', async () => {
      const [org, user] = await Promise.all([insertOrg(db()), insertUser(db())]);

      await expectRejected(
        db()
          .insertInto('memberships')
          // @ts-expect-error the type already refuses it; the schema must too.
          .values({ org_id: org.id, user_id: user.id, role: 'superuser' })
          .execute(),
        checkViolation,
        'memberships_role_check',
      );
    });

    it('accepts each known role', async () => {
      const org = await insertOrg(db());
      for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
        const user = await insertUser(db());
        await expect(
          insertMembership(db(), { org_id: org.id, user_id: user.id, role }),
        ).resolves.toMatchObject({ role });
      }
    });

    it('keeps one membership per org and user', async () => {
      const [org, user] = await Promise.all([insertOrg(db()), insertUser(db())]);
      await insertMembership(db(), { org_id: org.id, user_id: user.id, role: 'member' });

      await expectRejected(
        insertMembership(db(), { org_id: org.id, user_id: user.id, role: 'admin' }),
        uniqueViolation,
        'memberships_pkey',
      );
    });

    it('rejects an unknown org or user', async () => {
      const [org, user] = await Promise.all([insertOrg(db()), insertUser(db())]);

      await expectRejected(
        insertMembership(db(), { org_id: uniqueId('ghost-'), user_id: user.id }),
        foreignKeyViolation,
        'memberships_org_id_fkey',
      );
      await expectRejected(
        insertMembership(db(), { org_id: org.id, user_id: uniqueId('ghost-') }),
        foreignKeyViolation,
        'memberships_user_id_fkey',
      );
    });
  });

  describe('toolkit_policies', () => {
    it('fills the defaults', async () => {
      const org = await insertOrg(db());

      const policy = await insertPolicy(db(), org.id, { toolkit: 'slack' });

      expect(policy).toMatchObject({
        allow_tools: null,
        deny_tools: [],
        require_explicit_selection: false,
      });
      expect(policy.updated_at).toBeInstanceOf(Date);
    });

    it.each(['Slack', 'slack.com', '', 'k'.repeat(65)])(
      'rejects the toolkit %j',
      async (toolkit) => {
        const org = await insertOrg(db());

        await expectRejected(
          insertPolicy(db(), org.id, { toolkit }),
          checkViolation,
          'toolkit_policies_toolkit_check',
        );
      },
    );

    it('rejects an unknown scope', async () => {
      const org = await insertOrg(db());
      const policy = { ...buildPolicy(org.id), scope: 'team' };

      await expectRejected(
        sql`insert into toolkit_policies (org_id, toolkit, scope, connect_roles, execute_roles)
            values (${policy.org_id}, ${policy.toolkit}, ${policy.scope}, '{owner}', '{owner}')`.execute(
          db(),
        ),
        checkViolation,
        'toolkit_policies_scope_check',
      );
    });

    it.each([
      ['connect_roles', '{owner,superuser}'],
      ['connect_roles', '{owner,NULL}'],
      ['execute_roles', '{Member}'],
    ])('rejects %s = %s', async (column, roles) => {
      const org = await insertOrg(db());
      const others = { connect_roles: '{owner}', execute_roles: '{owner}', [column]: roles };

      await expectRejected(
        sql`insert into toolkit_policies (org_id, toolkit, scope, connect_roles, execute_roles)
            values (${org.id}, 'gmail', 'user', ${others.connect_roles}::text[], ${others.execute_roles}::text[])`.execute(
          db(),
        ),
        checkViolation,
        `toolkit_policies_${column}_check`,
      );
    });

    it('accepts empty role lists (nobody may)', async () => {
      const org = await insertOrg(db());

      await expect(
        insertPolicy(db(), org.id, { connect_roles: [], execute_roles: [] }),
      ).resolves.toMatchObject({ connect_roles: [], execute_roles: [] });
    });

    it('keeps one policy per org and toolkit', async () => {
      const org = await insertOrg(db());
      await insertPolicy(db(), org.id, { toolkit: 'notion' });

      await expectRejected(
        insertPolicy(db(), org.id, { toolkit: 'notion', scope: 'user' }),
        uniqueViolation,
        'toolkit_policies_pkey',
      );
    });

    it('lets another org have a policy for the same toolkit', async () => {
      const [one, two] = await Promise.all([insertOrg(db()), insertOrg(db())]);
      await insertPolicy(db(), one.id, { toolkit: 'notion' });

      await expect(insertPolicy(db(), two.id, { toolkit: 'notion' })).resolves.toMatchObject({
        org_id: two.id,
      });
    });
  });

  describe('connected_accounts', () => {
    it('allows one pinned default per scope and toolkit', async () => {
      const user = await insertUser(db());
      await insertAccount(db(), userScope(user.id), { toolkit: 'gmail', is_default: true });

      await expectRejected(
        insertAccount(db(), userScope(user.id), { toolkit: 'gmail', is_default: true }),
        uniqueViolation,
        'connected_accounts_default_key',
      );
    });

    it('allows a default in another toolkit, and in another scope for the same toolkit', async () => {
      const [user, org] = await Promise.all([insertUser(db()), insertOrg(db())]);
      await insertAccount(db(), userScope(user.id), { toolkit: 'gmail', is_default: true });

      await expect(
        insertAccount(db(), userScope(user.id), { toolkit: 'github', is_default: true }),
      ).resolves.toMatchObject({ is_default: true });
      await expect(
        insertAccount(db(), orgScope(org.id), { toolkit: 'gmail', is_default: true }),
      ).resolves.toMatchObject({ is_default: true });
      await expect(
        insertAccount(db(), userScope((await insertUser(db())).id), {
          toolkit: 'gmail',
          is_default: true,
        }),
      ).resolves.toMatchObject({ is_default: true });
    });

    it('allows many accounts that are not the default', async () => {
      const user = await insertUser(db());
      await insertAccount(db(), userScope(user.id), { is_default: true });
      await insertAccount(db(), userScope(user.id));

      await expect(insertAccount(db(), userScope(user.id))).resolves.toMatchObject({
        is_default: false,
      });
    });

    it('lets the pin move from one account to another', async () => {
      const user = await insertUser(db());
      const first = await insertAccount(db(), userScope(user.id), { is_default: true });
      const second = await insertAccount(db(), userScope(user.id));

      await db()
        .transaction()
        .execute(async (trx) => {
          await trx
            .updateTable('connected_accounts')
            .set({ is_default: false })
            .where('id', '=', first.id)
            .execute();
          await trx
            .updateTable('connected_accounts')
            .set({ is_default: true })
            .where('id', '=', second.id)
            .execute();
        });

      const pinned = await db()
        .selectFrom('connected_accounts')
        .select('id')
        .where('composio_user_id', '=', user.id)
        .where('is_default', '=', true)
        .execute();
      expect(pinned).toStrictEqual([{ id: second.id }]);
    });

    it('keeps labels unique per scope and toolkit', async () => {
      const user = await insertUser(db());
      await insertAccount(db(), userScope(user.id), { toolkit: 'gmail', label: 'Work' });

      await expectRejected(
        insertAccount(db(), userScope(user.id), { toolkit: 'gmail', label: 'Work' }),
        uniqueViolation,
        'connected_accounts_label_key',
      );
    });

    it('allows the same label in another toolkit or scope, and many unlabelled accounts', async () => {
      const [user, org] = await Promise.all([insertUser(db()), insertOrg(db())]);
      await insertAccount(db(), userScope(user.id), { toolkit: 'gmail', label: 'Work' });

      await expect(
        insertAccount(db(), userScope(user.id), { toolkit: 'github', label: 'Work' }),
      ).resolves.toMatchObject({ label: 'Work' });
      await expect(
        insertAccount(db(), orgScope(org.id), { toolkit: 'gmail', label: 'Work' }),
      ).resolves.toMatchObject({ label: 'Work' });
      await insertAccount(db(), userScope(user.id), { toolkit: 'gmail', label: null });
      await expect(
        insertAccount(db(), userScope(user.id), { toolkit: 'gmail', label: null }),
      ).resolves.toMatchObject({ label: null });
    });

    it.each([
      ['empty', ''],
      ['101 characters long', 'l'.repeat(101)],
    ])('rejects a label that is %s', async (_length, label) => {
      const user = await insertUser(db());

      await expectRejected(
        insertAccount(db(), userScope(user.id), { label }),
        checkViolation,
        'connected_accounts_label_check',
      );
    });

    it('rejects an unknown status', async () => {
      const user = await insertUser(db());

      await expectRejected(
        // @ts-expect-error the type already refuses it; the schema must too.
        insertAccount(db(), userScope(user.id), { status: 'active' }),
        checkViolation,
        'connected_accounts_status_check',
      );
    });

    it('accepts every Composio status', async () => {
      const user = await insertUser(db());
      const statuses = [
        'INITIALIZING',
        'INITIATED',
        'ACTIVE',
        'FAILED',
        'EXPIRED',
        'INACTIVE',
        'REVOKED',
      ] as const;
      for (const status of statuses) {
        await expect(insertAccount(db(), userScope(user.id), { status })).resolves.toMatchObject({
          status,
        });
      }
    });

    it('rejects scope columns that do not match the scope kind', async () => {
      const [user, org] = await Promise.all([insertUser(db()), insertOrg(db())]);
      const mismatches = [
        { ...userScope(user.id), scope_kind: 'org' as const },
        { ...orgScope(org.id), scope_kind: 'user' as const },
        { ...userScope(user.id), scope_org_id: org.id },
        { ...orgScope(org.id), scope_user_id: user.id },
        { ...userScope(user.id), scope_user_id: null },
      ];
      for (const scope of mismatches) {
        await expectRejected(
          db().insertInto('connected_accounts').values(buildAccount(scope)).execute(),
          checkViolation,
          'connected_accounts_scope_check',
        );
      }
    });

    it('rejects an unknown scope kind', async () => {
      const user = await insertUser(db());

      await expectRejected(
        db()
          .insertInto('connected_accounts')
          // @ts-expect-error the type already refuses it; the schema must too.
          .values(buildAccount({ ...userScope(user.id), scope_kind: 'team' }))
          .execute(),
        checkViolation,
      );
    });

    it.each([
      [
        'a user scope naming another user',
        (u: string, _o: string) => ({ ...userScope(u), composio_user_id: 'someone-else' }),
      ],
      [
        'an org scope without the org_ prefix',
        (_u: string, o: string) => ({ ...orgScope(o), composio_user_id: o }),
      ],
      [
        'an org scope naming another org',
        (_u: string, o: string) => ({ ...orgScope(o), composio_user_id: 'org_other' }),
      ],
      [
        'a user scope with an org id',
        (u: string, o: string) => ({ ...userScope(u), composio_user_id: `org_${o}` }),
      ],
    ])('rejects a Composio user id from %s', async (_case, scope) => {
      const [user, org] = await Promise.all([insertUser(db()), insertOrg(db())]);

      await expectRejected(
        db()
          .insertInto('connected_accounts')
          .values(buildAccount(scope(user.id, org.id)))
          .execute(),
        checkViolation,
        'connected_accounts_composio_user_id_check',
      );
    });

    it('rejects an unknown scope user or org', async () => {
      await expectRejected(
        insertAccount(db(), userScope(uniqueId('ghost-')), { connected_by: null }),
        foreignKeyViolation,
        'connected_accounts_scope_user_id_fkey',
      );
      await expectRejected(
        insertAccount(db(), orgScope(uniqueId('ghost-'))),
        foreignKeyViolation,
        'connected_accounts_scope_org_id_fkey',
      );
    });

    it('rejects a duplicate id', async () => {
      const user = await insertUser(db());
      const account = await insertAccount(db(), userScope(user.id));

      await expectRejected(
        insertAccount(db(), userScope(user.id), { id: account.id }),
        uniqueViolation,
        'connected_accounts_pkey',
      );
    });
  });

  describe('connection_requests', () => {
    it('fills id, created_at and completed_at', async () => {
      const user = await insertUser(db());

      const request = await insertRequest(db(), userScope(user.id), user.id);

      expect(request.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(request.created_at).toBeInstanceOf(Date);
      expect(request.completed_at).toBeNull();
    });

    it.each([0, -60_000])('rejects expires_at %d ms after created_at', async (offset) => {
      const user = await insertUser(db());
      const createdAt = new Date('2026-05-01T10:00:00Z');

      await expectRejected(
        insertRequest(db(), userScope(user.id), user.id, {
          created_at: createdAt,
          expires_at: new Date(createdAt.getTime() + offset),
        }),
        checkViolation,
        'connection_requests_expiry_check',
      );
    });

    it('keeps the Composio connected account id of a new link unique', async () => {
      const user = await insertUser(db());
      const first = await insertRequest(db(), userScope(user.id), user.id);

      await expectRejected(
        insertRequest(db(), userScope(user.id), user.id, {
          connected_account_id: first.connected_account_id,
        }),
        uniqueViolation,
        'connection_requests_connected_account_id_key',
      );
    });

    it('lets reconnects of one account repeat its id', async () => {
      const user = await insertUser(db());
      const account = await insertAccount(db(), userScope(user.id));
      for (let i = 0; i < 2; i += 1) {
        await insertRequest(db(), userScope(user.id), user.id, {
          connected_account_id: account.id,
          reconnect_of: account.id,
        });
      }
      const rows = await db()
        .selectFrom('connection_requests')
        .select('id')
        .where('reconnect_of', '=', account.id)
        .execute();
      expect(rows).toHaveLength(2);
    });

    it('rejects a status a request cannot have', async () => {
      const user = await insertUser(db());

      await expectRejected(
        // @ts-expect-error the type already refuses it; the schema must too.
        insertRequest(db(), userScope(user.id), user.id, { status: 'REVOKED' }),
        checkViolation,
        'connection_requests_status_check',
      );
    });

    it('rejects mismatched scope columns', async () => {
      const [user, org] = await Promise.all([insertUser(db()), insertOrg(db())]);

      await expectRejected(
        db()
          .insertInto('connection_requests')
          .values(buildRequest({ ...orgScope(org.id), composio_user_id: org.id }, user.id))
          .execute(),
        checkViolation,
        'connection_requests_composio_user_id_check',
      );
      await expectRejected(
        db()
          .insertInto('connection_requests')
          .values(buildRequest({ ...orgScope(org.id), scope_user_id: user.id }, user.id))
          .execute(),
        checkViolation,
        'connection_requests_scope_check',
      );
    });

    it('rejects an unknown requester or reconnected account', async () => {
      const user = await insertUser(db());

      await expectRejected(
        insertRequest(db(), userScope(user.id), uniqueId('ghost-')),
        foreignKeyViolation,
        'connection_requests_requested_by_fkey',
      );
      await expectRejected(
        insertRequest(db(), userScope(user.id), user.id, { reconnect_of: uniqueId('ca_') }),
        foreignKeyViolation,
        'connection_requests_reconnect_of_fkey',
      );
    });

    it('points a reconnect at the account it re-authorizes', async () => {
      const user = await insertUser(db());
      const account = await insertAccount(db(), userScope(user.id), { status: 'EXPIRED' });

      const request = await insertRequest(db(), userScope(user.id), user.id, {
        reconnect_of: account.id,
        connected_account_id: account.id,
      });

      expect(request.reconnect_of).toBe(account.id);
    });
  });

  describe('tool_executions', () => {
    it('numbers executions and gives each an execution id', async () => {
      const user = await insertUser(db());

      const first = await insertExecution(db(), userScope(user.id), user.id);
      const second = await insertExecution(db(), userScope(user.id), user.id);

      expect(BigInt(second.id)).toBeGreaterThan(BigInt(first.id));
      expect(first.execution_id).not.toBe(second.execution_id);
      expect(first.started_at).toBeInstanceOf(Date);
    });

    it('refuses an id chosen by the caller', async () => {
      const user = await insertUser(db());
      const row = buildExecution(userScope(user.id), user.id);

      await expect(
        sql`insert into tool_executions (id, actor_user_id, scope_kind, scope_user_id, composio_user_id, toolkit, tool, decision, outcome, duration_ms)
            values (1, ${row.actor_user_id}, 'user', ${user.id}, ${user.id}, 'gmail', 'GMAIL_SEND_EMAIL', 'allowed', 'success', 1)`.execute(
          db(),
        ),
      ).rejects.toMatchObject({ code: '428C9' });
    });

    it('rejects a reused execution id', async () => {
      const user = await insertUser(db());
      const first = await insertExecution(db(), userScope(user.id), user.id);

      await expectRejected(
        insertExecution(db(), userScope(user.id), user.id, { execution_id: first.execution_id }),
        uniqueViolation,
        'tool_executions_execution_id_key',
      );
    });

    it('records a denial with its reason', async () => {
      const user = await insertUser(db());

      await expect(
        insertExecution(db(), userScope(user.id), user.id, {
          decision: 'denied',
          deny_reason: 'TOOL_NOT_ALLOWED',
          outcome: 'denied',
          duration_ms: 0,
        }),
      ).resolves.toMatchObject({ decision: 'denied', deny_reason: 'TOOL_NOT_ALLOWED' });
    });

    it('rejects a deny reason without a denial, and a denial without a reason', async () => {
      const user = await insertUser(db());

      await expectRejected(
        insertExecution(db(), userScope(user.id), user.id, { deny_reason: 'ROLE_REQUIRED' }),
        checkViolation,
        'tool_executions_deny_reason_check',
      );
      await expectRejected(
        insertExecution(db(), userScope(user.id), user.id, {
          decision: 'denied',
          outcome: 'denied',
        }),
        checkViolation,
        'tool_executions_deny_reason_check',
      );
    });

    it('keeps the denied outcome for denials', async () => {
      const user = await insertUser(db());

      await expectRejected(
        insertExecution(db(), userScope(user.id), user.id, { outcome: 'denied' }),
        checkViolation,
        'tool_executions_denied_outcome_check',
      );
      await expectRejected(
        insertExecution(db(), userScope(user.id), user.id, {
          decision: 'denied',
          deny_reason: 'ROLE_REQUIRED',
          outcome: 'error',
        }),
        checkViolation,
        'tool_executions_denied_outcome_check',
      );
    });

    it.each([
      ['decision', 'maybe', 'tool_executions_decision_check'],
      ['outcome', 'timeout', 'tool_executions_outcome_check'],
    ] as const)('rejects %s = %j', async (column, value, constraint) => {
      const user = await insertUser(db());

      await expectRejected(
        db()
          .insertInto('tool_executions')
          .values({ ...buildExecution(userScope(user.id), user.id), [column]: value as never })
          .execute(),
        checkViolation,
        constraint,
      );
    });

    it('rejects a negative duration', async () => {
      const user = await insertUser(db());

      await expectRejected(
        insertExecution(db(), userScope(user.id), user.id, { duration_ms: -1 }),
        checkViolation,
        'tool_executions_duration_ms_check',
      );
    });

    it('records executions of users it does not know (the audit outlives them)', async () => {
      const gone = uniqueId('gone-');

      await expect(
        insertExecution(db(), userScope(gone), gone, { connected_account_id: uniqueId('ca_') }),
      ).resolves.toMatchObject({ actor_user_id: gone, scope_user_id: gone });
    });

    it('rejects an unknown org', async () => {
      await expectRejected(
        insertExecution(db(), orgScope(uniqueId('ghost-')), 'someone'),
        foreignKeyViolation,
        'tool_executions_scope_org_id_fkey',
      );
    });

    it('rejects mismatched scope columns', async () => {
      const org = await insertOrg(db());

      await expectRejected(
        insertExecution(db(), { ...orgScope(org.id), composio_user_id: 'someone' }, 'someone'),
        checkViolation,
        'tool_executions_composio_user_id_check',
      );
    });
  });

  describe('written-ahead executions', () => {
    it('a pending row says by when it must be settled, and settled rows need not', async () => {
      const user = await insertUser(db());

      await expectRejected(
        insertExecution(db(), userScope(user.id), user.id, { outcome: 'pending' }),
        checkViolation,
        'tool_executions_settle_by_check',
      );
      await expect(
        insertExecution(db(), userScope(user.id), user.id, {
          outcome: 'pending',
          settle_by: new Date(),
        }),
      ).resolves.toMatchObject({ outcome: 'pending' });
      await expect(
        insertExecution(db(), userScope(user.id), user.id, { outcome: 'unknown' }),
      ).resolves.toMatchObject({ outcome: 'unknown', settle_by: null });
    });
  });

  describe('idempotency_keys', () => {
    const key = (overrides: Record<string, unknown> = {}) => ({
      actor_user_id: 'alice',
      key: uniqueId('key-'),
      request_hash: 'h',
      execution_id: crypto.randomUUID(),
      status: 'running' as const,
      created_at: new Date(),
      expires_at: new Date(Date.now() + 60_000),
      ...overrides,
    });

    it('holds one row per caller and key; another caller has the key to itself', async () => {
      const first = key();
      await db().insertInto('idempotency_keys').values(first).execute();

      await expectRejected(
        db()
          .insertInto('idempotency_keys')
          .values(key({ key: first.key }))
          .execute(),
        uniqueViolation,
        'idempotency_keys_pkey',
      );
      await expect(
        db()
          .insertInto('idempotency_keys')
          .values(key({ key: first.key, actor_user_id: 'bob' }))
          .execute(),
      ).resolves.toBeDefined();
    });

    it('keeps an answer exactly when done, and knows its statuses', async () => {
      await expectRejected(
        db()
          .insertInto('idempotency_keys')
          .values(key({ status: 'done' }))
          .execute(),
        checkViolation,
        'idempotency_keys_response_check',
      );
      await expectRejected(
        db()
          .insertInto('idempotency_keys')
          .values(key({ status: 'later' as never }))
          .execute(),
        checkViolation,
        'idempotency_keys_status_check',
      );
      await expectRejected(
        db()
          .insertInto('idempotency_keys')
          .values(key({ key: 'k'.repeat(256) }))
          .execute(),
        checkViolation,
        'idempotency_keys_key_check',
      );
      await expect(
        db()
          .insertInto('idempotency_keys')
          .values(key({ status: 'done', response: JSON.stringify({ output: {} }) }))
          .execute(),
      ).resolves.toBeDefined();
    });
  });

  // The factories' defaults must satisfy every constraint, or the rejections above prove nothing.
  it('accepts what the factories build', async () => {
    const user = await db()
      .insertInto('users')
      .values(buildUser())
      .returningAll()
      .executeTakeFirstOrThrow();
    const org = await db()
      .insertInto('organizations')
      .values(buildOrg({ created_by: user.id }))
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertMembership(db(), { org_id: org.id, user_id: user.id, role: 'owner' });
    await insertPolicy(db(), org.id);
    await insertAccount(db(), orgScope(org.id), { connected_by: user.id });
    await insertRequest(db(), orgScope(org.id), user.id);

    await expect(insertExecution(db(), orgScope(org.id), user.id)).resolves.toMatchObject({
      scope_org_id: org.id,
    });
  });
});
