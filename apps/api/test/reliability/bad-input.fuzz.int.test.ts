import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../src/modules/app.router.js';
import { connect, type Harness, rowCounts, startHarness } from '../harness.js';
import { rawCall } from '../raw-call.js';
import { deep, hostileValues } from './hostile.js';

/**
 * fast-check throws generated garbage at every procedure: wrong types, huge strings, unicode,
 * prototype-pollution keys, deep nesting. Every answer must be a 4xx with a reason (or a success
 * that the input happened to earn), never a 5xx, and a rejected call writes nothing.
 */

const KEYS = [
  'orgId',
  'userId',
  'role',
  'toolkit',
  'toolkits',
  'tool',
  'tools',
  'arguments',
  'id',
  'label',
  'makeDefault',
  'requestId',
  'connectedAccountId',
  'callbackUrl',
  'include',
  'cursor',
  'limit',
  'search',
  'scope',
  'name',
  'connectRoles',
  'denyTools',
  'allowTools',
  'url',
  'events',
  'description',
  'enabled',
  'endpointId',
  'deliveryId',
  'actor',
  'from',
  'to',
  'action',
  'approvalId',
  'note',
  'status',
  'approvalTools',
  'approveRoles',
  'format',
  'idempotencyKey',
];

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'default',
    'Default',
    'a@b.com',
    'org_acme',
    '../../etc/passwd',
    '%00',
    '\u0000',
    'DROP TABLE users;--',
  ),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom('__proto__', 'constructor', 'prototype'),
  // Idempotency keys just past their limit, and with what a key may not hold.
  fc.constantFrom('k'.repeat(256), 'key with spaces', 'tab\tkey', 'ключ'),
);

const hostileValue = hostileValues(hostileString, 200);

/** Either any JSON at all, or an object with the procedures' own keys holding hostile values. */
const hostileInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.constantFrom(...KEYS), hostileValue, { minKeys: 1, maxKeys: 6 }),
  fc.integer({ min: 50, max: 500 }).map(deep),
);

/** Raw JSON bodies no object literal can express: own __proto__ and constructor.prototype keys. */
const POLLUTION_BODIES = [
  '{"__proto__":{"polluted":true}}',
  '{"orgId":"acme","__proto__":{"isAdmin":true}}',
  '{"tool":"SLACK_LIST_CHANNELS","orgId":"acme","arguments":{"__proto__":{"polluted":true}}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"id":{"__proto__":{"polluted":true}}}',
];

describe('generated bad input against every procedure (PGlite)', () => {
  let h: Harness;
  let token: string;
  let generated = 0;

  beforeAll(async () => {
    h = await startHarness('pglite', {
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_ORG_PER_MINUTE: '100000',
    });
    await h.as('alice').policies.set.mutate({ orgId: 'acme', toolkit: 'slack', scope: 'org' });
    await connect(h, 'alice', { toolkit: 'slack', orgId: 'acme', identity: 'acme@example.test' });
    token = await h.token('alice');
  }, 60_000);

  afterAll(async () => {
    console.info(`bad-input fuzzing: ${generated} generated inputs across every procedure`);
    await h?.close();
  });

  const procedures = Object.entries(
    (
      appRouter as unknown as {
        _def: { procedures: Record<string, { _def: { type: 'query' | 'mutation' } }> };
      }
    )._def.procedures,
  );

  it.each(procedures)(
    '%s answers garbage with a 4xx and a reason, and writes nothing',
    async (path, procedure) => {
      await fc.assert(
        fc.asyncProperty(hostileInput, async (input) => {
          generated += 1;
          const before = await rowCounts(h.db);
          const response = await rawCall(h, path, procedure._def.type, input, token);
          expect(response.status, `${path} ${response.text.slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.reason, `${path} ${response.status} without a reason`).toEqual(
              expect.any(String),
            );
            expect(await rowCounts(h.db)).toStrictEqual(before);
          }
        }),
        { numRuns: 40, endOnFailure: true },
      );
    },
    120_000,
  );

  it('GET /audit/export answers garbage query strings with a 4xx and a reason, and writes nothing', async () => {
    const exportKeys = fc.constantFrom(
      'orgId',
      'from',
      'to',
      'format',
      'toolkit',
      'outcome',
      'actor',
      ...KEYS,
    );
    const validish = fc.record({
      orgId: fc.constantFrom('acme', 'globex', 'default'),
      from: fc.constantFrom('2020-01-01T00:00:00Z', '2030-01-01T00:00:00+02:00'),
      to: fc.constantFrom('2029-01-01T00:00:00Z', '1999-01-01T00:00:00Z'),
      format: fc.constantFrom('jsonl', 'csv'),
    });
    const query = fc.tuple(
      validish,
      fc.array(fc.tuple(exportKeys, hostileString), { maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(query, async ([base, extra]) => {
        generated += 1;
        const params = new URLSearchParams(base);
        for (const [key, value] of extra) params.append(key, value);
        const before = await rowCounts(h.db);
        const response = await fetch(`${h.url}/audit/export?${params}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const text = await response.text();
        expect(response.status, text.slice(0, 300)).toBeLessThan(500);
        if (response.status >= 400) {
          // A request line too long for Node's parser is answered before any route, tRPC-style.
          const body = JSON.parse(text) as {
            error?: { reason?: unknown; message?: unknown; data?: { reason?: unknown } };
          };
          const reason = body.error?.reason ?? body.error?.data?.reason;
          expect(reason, text.slice(0, 300)).toEqual(expect.any(String));
          expect(body.error?.message).toEqual(expect.any(String));
          expect(await rowCounts(h.db)).toStrictEqual(before);
        }
      }),
      { numRuns: 150, endOnFailure: true },
    );
  }, 120_000);

  it.each(procedures)(
    '%s refuses prototype-pollution bodies and the server stays unpolluted',
    async (path) => {
      for (const body of POLLUTION_BODIES) {
        generated += 1;
        const before = await rowCounts(h.db);
        const response = await fetch(`${h.url}/trpc/${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) expect(await rowCounts(h.db)).toStrictEqual(before);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    },
  );
});
