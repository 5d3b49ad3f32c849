import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { parse as csvParser } from 'csv-parse';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

const ROWS = 100_000;
const RANGE = { from: '2026-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z' };
const MiB = 2 ** 20;
/**
 * Memory still live halfway through a download, beyond what was live before it: the measure
 * that tells a streamed file from a loaded one. A page at a time kept −6 to +14 MiB live in CI
 * (what else the process was doing at that instant counts too); the whole range read at once
 * keeps over 70 MiB of the JSON Lines file live. 32 MiB lies well between the two.
 */
const LIVE = 32 * MiB;
/**
 * Growth of resident memory during one download. Quoted, and bounded only loosely: V8 grows its
 * heap for garbage it has not collected yet (35 MiB of strings go through), so resident memory
 * rises by tens of MiB even when little stays live.
 */
const RSS_BOUND = 128 * MiB;

/** What the process holds live: a full collection first, then the heap and buffers in use. */
function liveBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/**
 * The process's memory while `work` runs: resident memory sampled every 20 ms (before, highest,
 * after), and what is live halfway through (when `work` calls `halfway`), against before.
 */
async function measuringMemory<T>(work: (halfway: () => void) => Promise<T>) {
  const live = liveBytes();
  const before = process.memoryUsage.rss();
  let peak = before;
  let liveHalfway = Number.NaN;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const result = await work(() => {
      liveHalfway = liveBytes() - live;
    });
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, before, peak, after: process.memoryUsage.rss(), liveHalfway };
  } finally {
    clearInterval(sampler);
  }
}

/** A measurement in words, for the test's output (and the report). */
function described(m: { before: number; peak: number; after: number; liveHalfway: number }) {
  const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
  return `RSS ${mib(m.before)} before, ${mib(m.peak)} peak, ${mib(m.after)} after; live halfway ${mib(m.liveHalfway)} more`;
}

/**
 * 100,000 rows of an organization's log downloaded over `GET /audit/export` in both formats. The
 * file is read as it arrives (a line or a record at a time, never whole), so the resident memory
 * of this process — the API and its client both — shows whether the server held the file.
 */
describe.each(databaseKindsUnderTest())('exporting 100,000 audit rows on %s', (kind) => {
  let h: Harness;
  let expected: number;

  beforeAll(async () => {
    h = await startHarness(kind);
    // One row a second from New Year's midnight (about 28 hours), plus rows either side of the
    // range and another organization's inside it: none of those may be in the file.
    await sql`insert into tool_executions (actor_user_id, scope_kind, scope_org_id,
        composio_user_id, toolkit, tool, connected_account_id, decision, deny_reason, outcome,
        error_code, duration_ms, started_at, channel)
      select case when i % 3 = 0 then 'bob' else 'alice' end, 'org', 'acme', 'org_acme',
        'slack', 'SLACK_SEND_MESSAGE', 'ca_' || (i % 7),
        case when i % 10 = 0 then 'denied' else 'allowed' end,
        case when i % 10 = 0 then 'ROLE_REQUIRED' end,
        case when i % 10 = 0 then 'denied' else 'success' end,
        null, i % 500, timestamptz '2026-01-01T00:00:00Z' + (i - 1) * interval '1 second',
        case when i % 4 = 0 then 'mcp' else 'trpc' end
      from generate_series(1, ${ROWS}::integer) as i`.execute(h.db);
    await h.as('gina').orgs.create.mutate({ name: 'Globex', id: 'globex' });
    await sql`insert into tool_executions (actor_user_id, scope_kind, scope_org_id,
        composio_user_id, toolkit, tool, decision, outcome, duration_ms, started_at)
      select 'alice', 'org', 'acme', 'org_acme', 'slack', 'SLACK_SEND_MESSAGE', 'allowed',
        'success', 1, t
      from unnest(array[timestamptz '2025-12-31T23:59:59.999Z', timestamptz '2026-01-03T00:00:00Z']) as t
      union all
      select 'gina', 'org', 'globex', 'org_globex', 'slack', 'SLACK_SEND_MESSAGE', 'allowed',
        'success', 1, timestamptz '2026-01-01T12:00:00Z'`.execute(h.db);
    const counted = await sql<{ n: string }>`select count(*)::text as n from tool_executions
      where scope_org_id = 'acme' and started_at >= ${RANGE.from}::timestamptz
        and started_at < ${RANGE.to}::timestamptz`.execute(h.db);
    expected = Number(counted.rows[0]?.n);
    // One whole download of each format first, read and dropped: PGlite runs in this process,
    // and its buffer cache fills with the table's pages on the first read, which is the
    // database's memory, not the export's (it is reported, not asserted on).
    for (const format of ['jsonl', 'csv'] as const) {
      const cold = await measuringMemory(async (halfway) => {
        let chunks = 0;
        for await (const _chunk of await download(format)) {
          chunks += 1;
          if (chunks === 100) halfway();
        }
      });
      console.info(
        `audit export (${kind}, ${format}, first read of the table): ${described(cold)}`,
      );
    }
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  async function download(format: 'jsonl' | 'csv') {
    const response = await fetch(
      `${h.url}/audit/export?${new URLSearchParams({ orgId: 'acme', format, ...RANGE })}`,
      { headers: { authorization: `Bearer ${await h.token('alice')}` } },
    );
    expect(response.status).toBe(200);
    if (!response.body) throw new Error('no body');
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  it('as JSON Lines: every row of the range once, each line valid JSON, memory flat', async () => {
    expect(expected).toBe(ROWS);
    const measured = await measuringMemory(async (halfway) => {
      let lines = 0;
      let lastId = 0;
      let bytes = 0;
      let previous = '';
      let carry = '';
      const decoder = new TextDecoder();
      // Pulled a chunk at a time (so the socket's backpressure holds), split into lines here.
      for await (const chunk of await download('jsonl')) {
        bytes += (chunk as Buffer).length;
        const parts = (carry + decoder.decode(chunk as Buffer, { stream: true })).split('\n');
        carry = parts.pop() ?? '';
        for (const line of parts) {
          const row = JSON.parse(line) as { id: string; startedAt: string; scope: { id: string } };
          lines += 1;
          if (lines === ROWS / 2) halfway();
          // Ids and start times rise together here, so rising ids mean no row came twice.
          if (Number(row.id) <= lastId) throw new Error(`repeated or out of order: ${line}`);
          lastId = Number(row.id);
          if (row.scope.id !== 'acme') throw new Error(`another scope's row: ${line}`);
          if (row.startedAt < previous) throw new Error(`out of order: ${line}`);
          previous = row.startedAt;
        }
      }
      expect(carry).toBe('');
      return { lines, bytes };
    });
    const { lines, bytes } = measured.result;
    console.info(
      `audit export (${kind}, jsonl): ${lines} rows, ${(bytes / MiB).toFixed(1)} MiB; ${described(measured)}`,
    );
    expect(lines).toBe(expected);
    // The file is about 35 MiB: holding it, or the 100,000 rows it is made of, would keep more
    // than that live halfway.
    expect(bytes).toBeGreaterThan(30 * MiB);
    expect(measured.liveHalfway).toBeLessThan(LIVE);
    expect(measured.peak - measured.before).toBeLessThan(RSS_BOUND);
  }, 180_000);

  it('as CSV: a header and one record per row, parsed by a CSV parser, memory flat', async () => {
    const measured = await measuringMemory(async (halfway) => {
      let records = 0;
      let bytes = 0;
      let columns: string[] = [];
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      const parser = (await download('csv'))
        .pipe(counter)
        .pipe(csvParser({ columns: (header: string[]) => (columns = header) }));
      for await (const record of parser as AsyncIterable<Record<string, string>>) {
        records += 1;
        if (records === ROWS / 2) halfway();
        if (record.scopeId !== 'acme') throw new Error(`another scope's row: ${record.scopeId}`);
      }
      return { records, bytes, columns };
    });
    const { records, bytes, columns } = measured.result;
    console.info(
      `audit export (${kind}, csv): ${records} rows, ${(bytes / MiB).toFixed(1)} MiB; ${described(measured)}`,
    );
    expect(columns.slice(0, 3)).toStrictEqual(['id', 'executionId', 'startedAt']);
    expect(records).toBe(expected);
    expect(measured.liveHalfway).toBeLessThan(LIVE);
    expect(measured.peak - measured.before).toBeLessThan(RSS_BOUND);
  }, 180_000);
});
