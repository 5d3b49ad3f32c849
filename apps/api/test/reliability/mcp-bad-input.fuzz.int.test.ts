import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness, rowCounts, startHarness } from '../harness.js';
import { deep, hostileValues } from './hostile.js';

/**
 * fast-check throws generated JSON-RPC at the MCP endpoint: arbitrary JSON, requests of every
 * method with hostile params, batch arrays, huge and deeply nested arguments, prototype keys.
 * Every answer is below 500; a JSON-RPC error or an HTTP refusal writes nothing; no answer names
 * another scope's accounts or organizations.
 */

const METHODS = [
  'tools/call',
  'tools/list',
  'initialize',
  'ping',
  'resources/list',
  'prompts/get',
  'notifications/initialized',
  'tools/../../etc',
];
const TOOL_NAMES = [
  'SLACK_LIST_CHANNELS',
  'SLACK_SEND_MESSAGE',
  'GITHUB_LIST_REPOS',
  'GITHUB_GET_REPO',
  'switchboard_connect',
  'switchboard_list_accounts',
  'NOPE',
  '',
  '__proto__',
];

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', 'org_globex', 'victor', 'ca_', '../../etc/passwd', '\u0000', 'constructor'),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

const hostileValue = hostileValues(hostileString, 300);

const hostileArguments = fc.oneof(
  hostileValue,
  fc.dictionary(
    fc.constantFrom('channel', 'text', 'owner', 'repo', 'account', 'toolkit', 'label', 'limit'),
    hostileValue,
    { maxKeys: 5 },
  ),
);

const request = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), hostileValue),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), hostileValue),
    method: fc.oneof(fc.constantFrom(...METHODS), hostileString),
    params: fc.oneof(
      fc.record(
        {
          name: fc.oneof(fc.constantFrom(...TOOL_NAMES), hostileString),
          arguments: hostileArguments,
          _meta: fc.oneof(
            fc.record({ 'io.switchboard/idempotencyKey': hostileValue }),
            hostileValue,
          ),
        },
        { requiredKeys: [] },
      ),
      hostileValue,
    ),
  },
  { requiredKeys: [] },
);

const body: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  request,
  fc.array(request, { minLength: 1, maxLength: 5 }),
  fc.integer({ min: 50, max: 400 }).map(deep),
);

/** Raw bodies no object literal can express: own __proto__ keys. */
const POLLUTION_BODIES = [
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"SLACK_LIST_CHANNELS","arguments":{"__proto__":{"polluted":true}}}}',
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","__proto__":{"polluted":true},"params":{"name":"GITHUB_LIST_REPOS"}}',
  '{"__proto__":{"polluted":true}}',
  '[{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"switchboard_connect","arguments":{"constructor":{"prototype":{"polluted":true}}}}}]',
];

describe('generated JSON-RPC against the MCP endpoint (PGlite)', () => {
  let h: Harness;
  let token: string;
  let foreign: string[];
  let generated = 0;

  beforeAll(async () => {
    h = await startHarness('pglite', {
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_ORG_PER_MINUTE: '100000',
    });
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme@example.test' });
    await connect(h, 'alice', { toolkit: 'github', identity: 'alice@example.test' });
    await h.as('gina').orgs.create.mutate({ name: 'Globex', id: 'globex' });
    await h.as('gina').policies.set.mutate({ orgId: 'globex', toolkit: 'slack', scope: 'org' });
    const globexSlack = (
      await connect(h, 'gina', { toolkit: 'slack', orgId: 'globex', identity: 'gx@example.test' })
    ).id;
    const victorGithub = (
      await connect(h, 'victor', { toolkit: 'github', identity: 'vic@example.test' })
    ).id;
    foreign = [globexSlack, victorGithub, 'globex', 'gx@example.test', 'vic@example.test'];
    token = await h.token('alice');
  }, 60_000);

  afterAll(async () => {
    console.info(`MCP bad-input fuzzing: ${generated} generated bodies`);
    await h?.close();
  });

  const send = (path: string, raw: string) =>
    fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
      },
      body: raw,
    });

  /** True when nothing in the answer ran: an HTTP refusal, or only JSON-RPC errors. */
  function refusedOnly(status: number, text: string): boolean {
    if (status >= 400) return true;
    if (!text) return true;
    const parsed = JSON.parse(text) as unknown;
    const responses = Array.isArray(parsed) ? parsed : [parsed];
    return responses.every((r) => r && typeof r === 'object' && 'error' in r);
  }

  it.each(['/mcp', '/mcp/orgs/acme', '/mcp/orgs/globex'])(
    '%s answers garbage below 500, writes nothing for what it refuses, and leaks nothing',
    async (path) => {
      await fc.assert(
        fc.asyncProperty(body, async (value) => {
          generated += 1;
          const before = await rowCounts(h.db);
          const response = await send(path, JSON.stringify(value));
          const text = await response.text();
          expect(response.status, `${path} ${text.slice(0, 300)}`).toBeLessThan(500);
          expect(foreign.filter((id) => text.includes(id))).toStrictEqual([]);
          if (refusedOnly(response.status, text)) {
            expect(await rowCounts(h.db)).toStrictEqual(before);
          }
        }),
        { numRuns: 60, endOnFailure: true },
      );
    },
    180_000,
  );

  it('refuses prototype-pollution bodies and the server stays unpolluted', async () => {
    for (const raw of POLLUTION_BODIES) {
      generated += 1;
      const before = await rowCounts(h.db);
      const response = await send('/mcp/orgs/acme', raw);
      const text = await response.text();
      expect(response.status).toBeLessThan(500);
      if (refusedOnly(response.status, text)) {
        expect(await rowCounts(h.db)).toStrictEqual(before);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a body over the limit, and deeply nested arguments, without a 5xx', async () => {
    const huge = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'SLACK_SEND_MESSAGE', arguments: { text: 'x'.repeat(2_000_000) } },
    });
    expect((await send('/mcp', huge)).status).toBe(413);
    const depth = 3_000;
    const nested = `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"SLACK_SEND_MESSAGE","arguments":{"text":${'{"n":['.repeat(depth)}1${']}'.repeat(depth)}}}}`;
    // As deep as a body under the limit can nest, outside the arguments too.
    const deepest = 140_000;
    const elsewhere = `{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":${'['.repeat(deepest)}${']'.repeat(deepest)}}}`;
    expect((await send('/mcp/orgs/acme', elsewhere)).status).toBeLessThan(500);
    const before = await rowCounts(h.db);
    const response = await send('/mcp/orgs/acme', nested);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 2, error: { code: -32602 } });
    expect(await rowCounts(h.db)).toStrictEqual(before);
  });
});
