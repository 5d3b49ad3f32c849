import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { parse as parseCsv } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../src/client.js';
import { connect, failure, type Harness, rowCounts, startHarness } from './harness.js';

/** Everything `audit.export` gives for an input, chunk by chunk, as a client reads it. */
async function exportByChunks(
  client: SwitchboardClient,
  input: Parameters<SwitchboardClient['audit']['export']['query']>[0],
) {
  let text = '';
  let rows = 0;
  let chunks = 0;
  let cursor: string | undefined;
  do {
    const chunk = await client.audit.export.query({ ...input, ...(cursor ? { cursor } : {}) });
    text += chunk.chunk;
    rows += chunk.rows;
    chunks += 1;
    cursor = chunk.nextCursor ?? undefined;
  } while (cursor);
  return { text, rows, chunks };
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const WIDE = { from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

describe.each(databaseKindsUnderTest())('audit export on %s', (kind) => {
  let h: Harness;
  let acmeSlack: string;

  /** `GET /audit/export` as `userId` (no token when null). */
  async function download(userId: string | null, params: Record<string, string | string[]>) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const one of Array.isArray(value) ? value : [value]) query.append(key, one);
    }
    return fetch(`${h.url}/audit/export?${query}`, {
      headers: userId === null ? {} : { authorization: `Bearer ${await h.token(userId)}` },
    });
  }

  /** Rows written straight to the log, at chosen times, for the cases executions cannot make. */
  async function insertRows(
    rows: Array<{ actor: string; startedAt: string; org?: string; tool?: string }>,
  ) {
    for (const row of rows) {
      const org = row.org ?? 'acme';
      await sql`insert into tool_executions (actor_user_id, scope_kind, scope_org_id,
          composio_user_id, toolkit, tool, decision, outcome, duration_ms, started_at)
        values (${row.actor}, 'org', ${org}, ${`org_${org}`}, 'slack',
          ${row.tool ?? 'SLACK_SEND_MESSAGE'}, 'allowed', 'success', 5, ${row.startedAt}::timestamptz)`.execute(
        h.db,
      );
    }
  }

  beforeAll(async () => {
    h = await startHarness(kind);
    const alice = h.as('alice');
    await alice.policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    acmeSlack = (
      await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'hq@acme.test' })
    ).id;
    await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@example.test' });
    const message = { channel: '#general', text: 'hi' };
    await h.as('bob').tools.execute.mutate({
      tool: 'SLACK_SEND_MESSAGE',
      orgId: 'acme',
      arguments: message,
    });
    await failure(
      h.as('carol').tools.execute.mutate({
        tool: 'SLACK_SEND_MESSAGE',
        orgId: 'acme',
        arguments: message,
      }),
    );
    await h.as('bob').tools.execute.mutate({ tool: 'GITHUB_LIST_REPOS', arguments: {} });
    await alice.tools.execute.mutate({ tool: 'SLACK_LIST_CHANNELS', orgId: 'acme', arguments: {} });
    // Another organization's log, which no export of Acme's may show.
    await h.as('gina').orgs.create.mutate({ name: 'Globex', id: 'globex' });
    await insertRows([{ actor: 'gina', org: 'globex', startedAt: new Date().toISOString() }]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("downloads an organization's log as JSON Lines, oldest first, as audit.list shows it", async () => {
    const response = await download('alice', { orgId: 'acme', format: 'jsonl', ...WIDE });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="switchboard-audit-acme-2020-01-01-to-2100-01-01.jsonl"',
    );
    const lines = jsonLines(await response.text());
    const listed = (await h.as('alice').audit.list.query({ orgId: 'acme' })).items;
    expect(listed).toHaveLength(3);
    expect(lines).toStrictEqual(listed.reverse().map(({ account: _account, ...item }) => item));
    expect(lines.map((line) => line.connectedAccountId)).toContain(acmeSlack);
    expect(JSON.stringify(lines)).not.toContain('globex');
  });

  it('the same log as CSV: a header, then one record per row that parses back to the same values', async () => {
    const response = await download('alice', { orgId: 'acme', format: 'csv', ...WIDE });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await response.text();
    expect(text.startsWith('id,executionId,startedAt,actorUserId,actorName,scopeKind,')).toBe(true);
    const records = parseCsv(text, { columns: true }) as Array<Record<string, string>>;
    const lines = jsonLines(
      await (await download('alice', { orgId: 'acme', format: 'jsonl', ...WIDE })).text(),
    );
    const asCells = (line: Record<string, unknown>) => {
      const { scope, ...rest } = line as { scope: { kind: string; id: string } };
      return Object.fromEntries(
        Object.entries({ ...rest, scopeKind: scope.kind, scopeId: scope.id }).map(([k, v]) => [
          k,
          v === null ? '' : String(v),
        ]),
      );
    };
    expect(records).toStrictEqual(lines.map(asCells));
  });

  it('through audit.export: chunks a client reads by cursor make the same file as the download', async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      const chunked = await exportByChunks(h.as('alice'), {
        orgId: 'acme',
        format,
        limit: 1,
        ...WIDE,
      });
      expect(chunked.rows).toBe(3);
      // One row per chunk, and a last call that says the range is done.
      expect(chunked.chunks).toBe(3);
      const downloaded = await (await download('alice', { orgId: 'acme', format, ...WIDE })).text();
      expect(chunked.text).toBe(downloaded);
    }
    const first = await h.as('alice').audit.export.query({ orgId: 'acme', format: 'csv', ...WIDE });
    expect(first).toMatchObject({ format: 'csv', contentType: 'text/csv; charset=utf-8', rows: 3 });
    expect(first.nextCursor).toBeNull();
  });

  it('without orgId a person exports their own executions, in their own scope and their organizations', async () => {
    const bob = h.as('bob');
    const { text } = await exportByChunks(bob, { format: 'jsonl', ...WIDE });
    const lines = jsonLines(text);
    expect(lines.map((line) => [line.actorUserId, line.tool, line.scope])).toStrictEqual([
      ['bob', 'SLACK_SEND_MESSAGE', { kind: 'org', id: 'acme' }],
      ['bob', 'GITHUB_LIST_REPOS', { kind: 'user', id: 'bob' }],
    ]);
    const listed = (await bob.audit.list.query()).items.map((item) => item.id).reverse();
    expect(lines.map((line) => line.id)).toStrictEqual(listed);
    const downloaded = await (await download('bob', { format: 'jsonl', ...WIDE })).text();
    expect(downloaded).toBe(text);
  });

  it('exports only [from, to) and the filters asked for', async () => {
    const alice = h.as('alice');
    const base = { orgId: 'acme', format: 'jsonl' as const };
    await insertRows([
      { actor: 'bob', startedAt: '2024-03-01T00:00:00Z' },
      { actor: 'bob', startedAt: '2024-03-01T23:59:59.5Z' },
      { actor: 'bob', startedAt: '2024-03-02T00:00:00Z' },
      { actor: 'erin', startedAt: '2024-03-01T12:00:00Z', tool: 'SLACK_LIST_CHANNELS' },
    ]);
    const day = { from: '2024-03-01T00:00:00Z', to: '2024-03-02T00:00:00Z' };
    const times = (text: string) => jsonLines(text).map((line) => line.startedAt);
    expect(times((await exportByChunks(alice, { ...base, ...day })).text)).toStrictEqual([
      '2024-03-01T00:00:00.000Z',
      '2024-03-01T12:00:00.000Z',
      '2024-03-01T23:59:59.500Z',
    ]);
    const erins = await exportByChunks(alice, { ...base, ...day, actor: 'erin' });
    expect(jsonLines(erins.text).map((line) => line.actorUserId)).toStrictEqual(['erin']);
    // Offsets are honoured: 14:00 at UTC+02:00 is noon in UTC, 01:00 at UTC+01:00 midnight.
    const shifted = await exportByChunks(alice, {
      ...base,
      from: '2024-03-01T14:00:00+02:00',
      to: '2024-03-02T01:00:00+01:00',
    });
    expect(times(shifted.text)).toStrictEqual([
      '2024-03-01T12:00:00.000Z',
      '2024-03-01T23:59:59.500Z',
    ]);
  });

  it('rows that share a millisecond, or a whole start time, are each exported once across chunks', async () => {
    const at = '2024-05-05T05:05:05.123';
    await insertRows([
      ...Array.from({ length: 5 }, () => ({ actor: 'bob', startedAt: `${at}456Z` })),
      { actor: 'bob', startedAt: `${at}455Z` },
      { actor: 'bob', startedAt: `${at}457Z` },
      { actor: 'bob', startedAt: `${at}999Z` },
    ]);
    const stored = await h.db
      .selectFrom('tool_executions')
      .select('id')
      .where('started_at', '>=', new Date('2024-05-05T00:00:00Z'))
      .where('started_at', '<', new Date('2024-05-06T00:00:00Z'))
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    expect(stored).toHaveLength(8);
    for (const limit of [1, 2, 3]) {
      const { text } = await exportByChunks(h.as('alice'), {
        orgId: 'acme',
        format: 'jsonl',
        from: '2024-05-05T00:00:00Z',
        to: '2024-05-06T00:00:00Z',
        limit,
      });
      expect(jsonLines(text).map((line) => line.id)).toStrictEqual(stored.map((r) => String(r.id)));
    }
  });

  it('CSV quotes what needs quoting and turns cells a spreadsheet would run into text', async () => {
    const names = {
      'csv-quote': 'She said "hi"',
      'csv-comma': 'Smith, Jane',
      'csv-lines': 'two\r\nlines',
      'csv-equals': '=HYPERLINK("http://evil.example","x")',
      'csv-plus': '+1+2',
      'csv-minus': '-3',
      'csv-at': '@SUM(A1)',
      'csv-tab': '\tindented',
    };
    for (const [id, name] of Object.entries(names)) {
      await sql`insert into users (id, display_name) values (${id}, ${name})
        on conflict (id) do update set display_name = excluded.display_name`.execute(h.db);
    }
    await insertRows(
      Object.keys(names).map((actor, i) => ({
        actor,
        startedAt: `2024-07-07T00:00:0${i}Z`,
      })),
    );
    const range = { from: '2024-07-07T00:00:00Z', to: '2024-07-08T00:00:00Z' };
    const text = await (await download('alice', { orgId: 'acme', format: 'csv', ...range })).text();
    expect(text).toContain(',"She said ""hi""",');
    expect(text).toContain(',"Smith, Jane",');
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
    const records = parseCsv(text, { columns: true }) as Array<Record<string, string>>;
    expect(
      Object.fromEntries(records.map((record) => [record.actorUserId, record.actorName])),
    ).toStrictEqual({
      'csv-quote': 'She said "hi"',
      'csv-comma': 'Smith, Jane',
      'csv-lines': 'two\r\nlines',
      'csv-equals': `'=HYPERLINK("http://evil.example","x")`,
      'csv-plus': `'+1+2`,
      'csv-minus': `'-3`,
      'csv-at': `'@SUM(A1)`,
      'csv-tab': `'\tindented`,
    });
    // JSON Lines carry the names as they are: no spreadsheet reads them.
    const lines = jsonLines(
      await (await download('alice', { orgId: 'acme', format: 'jsonl', ...range })).text(),
    );
    expect(
      Object.fromEntries(lines.map((line) => [line.actorUserId, line.actorName])),
    ).toStrictEqual(names);
  });

  it('refuses as audit.list does: no token 401, a member 403, an outsider 404, each with its reason', async () => {
    const params = { orgId: 'acme', format: 'jsonl', ...WIDE };
    const cases = [
      [null, 401, 'UNAUTHENTICATED'],
      ['bob', 403, 'ROLE_REQUIRED'],
      ['carol', 403, 'ROLE_REQUIRED'],
      ['dave', 404, 'NOT_FOUND'],
    ] as const;
    for (const [userId, status, reason] of cases) {
      const response = await download(userId, params);
      expect(response.status, `${userId}`).toBe(status);
      const body = (await response.json()) as { error: { reason: string } };
      expect(body.error.reason).toBe(reason);
    }
    const bad = await fetch(`${h.url}/audit/export?${new URLSearchParams(params)}`, {
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { reason: string } }).error.reason).toBe(
      'INVALID_TOKEN',
    );
    expect(
      await failure(h.as('bob').audit.export.query({ orgId: 'acme', format: 'csv', ...WIDE })),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    expect(
      await failure(h.as('dave').audit.export.query({ orgId: 'acme', format: 'csv', ...WIDE })),
    ).toMatchObject({ code: 'NOT_FOUND', reason: 'NOT_FOUND' });
  });

  it('bad input is a 400 naming the field, and writes nothing', async () => {
    const good = { orgId: 'acme', format: 'jsonl', ...WIDE };
    const cases: Array<[Record<string, string | string[]>, string, string]> = [
      [{ orgId: 'acme', format: 'jsonl', to: WIDE.to }, 'INVALID_INPUT', 'from'],
      [{ ...good, format: 'xml' }, 'INVALID_INPUT', 'format'],
      [{ ...good, format: ['csv', 'jsonl'] }, 'INVALID_INPUT', 'format'],
      [{ ...good, from: 'yesterday' }, 'INVALID_INPUT', 'from'],
      [{ ...good, from: WIDE.to, to: WIDE.from }, 'INVALID_INPUT', 'to: must be later than from'],
      [{ ...good, limit: '5' }, 'INVALID_INPUT', 'limit'],
      [{ ...good, outcome: 'maybe' }, 'INVALID_INPUT', 'outcome'],
      [{ ...good, orgId: 'default' }, 'INVALID_ORG_ID', 'orgId'],
      [{ ...good, actor: 'a@b.com' }, 'INVALID_USER_ID', 'actor'],
    ];
    for (const [params, reason, named] of cases) {
      const before = await rowCounts(h.db);
      const response = await download('alice', params);
      const body = (await response.json()) as { error: { reason: string; message: string } };
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(body.error.reason).toBe(reason);
      expect(body.error.message).toContain(named);
      expect(await rowCounts(h.db)).toStrictEqual(before);
    }
    const refused = await failure(
      h.as('alice').audit.export.query({
        orgId: 'acme',
        format: 'jsonl',
        ...WIDE,
        cursor: 'not-a-cursor',
      }),
    );
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_INPUT' });
    expect(refused.message).toContain('cursor');
  });
});
