import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwitchboardClient } from '../src/client.js';
import { connect, failure, type Harness, rowCounts, startHarness } from './harness.js';

const BAD_USER_IDS = [
  ['default', 'reserved'],
  ['Default', 'reserved'],
  ['a@b.com', 'email'],
  ['org_acme', 'org_prefix'],
  ['', 'length'],
  ['x'.repeat(300), 'length'],
] as const;

describe.each(databaseKindsUnderTest())(
  'bad input is refused with its reason and writes nothing on %s',
  (kind) => {
    let h: Harness;
    let secret: Uint8Array;

    const mint = (
      claims: { sub?: string; exp?: number; iss?: string; aud?: string; iat?: number | null },
      key = secret,
    ) => {
      let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' });
      if (claims.iat !== null) jwt = jwt.setIssuedAt(claims.iat);
      if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
      jwt = jwt
        .setIssuer(claims.iss ?? h.config.AUTH_ISSUER)
        .setAudience(claims.aud ?? h.config.AUTH_AUDIENCE);
      jwt = jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600);
      return jwt.sign(key);
    };
    const withToken = (token: string) =>
      createSwitchboardClient({ url: h.url, getToken: () => token });

    beforeAll(async () => {
      h = await startHarness(kind);
      secret = new TextEncoder().encode(h.config.AUTH_JWT_SECRET);
      await connect(h, 'bob', { toolkit: 'github', identity: 'bob-gh@example.test' });
    });
    afterAll(async () => {
      await h?.close();
    });

    async function expectNothingWritten<T>(call: () => Promise<T>): Promise<T> {
      const before = await rowCounts(h.db);
      const result = await call();
      expect(await rowCounts(h.db)).toStrictEqual(before);
      return result;
    }

    it.each(BAD_USER_IDS)(
      'user id %j is refused (%s) at sign-in, as a token subject and as a member',
      async (id, rule) => {
        const signIn = await expectNothingWritten(() =>
          failure(h.as('alice').dev.signIn.mutate({ userId: id })),
        );
        expect(signIn).toMatchObject({
          code: 'BAD_REQUEST',
          reason: 'INVALID_USER_ID',
          httpStatus: 400,
        });
        expect(signIn.message).toContain(rule);

        const asSubject = await expectNothingWritten(async () =>
          failure(withToken(await mint({ sub: id })).me.get.query()),
        );
        expect(asSubject.reason).toBe('INVALID_USER_ID');
        expect(asSubject.httpStatus).toBeGreaterThanOrEqual(400);
        expect(asSubject.httpStatus).toBeLessThan(500);

        const asMember = await expectNothingWritten(() =>
          failure(
            h.as('alice').orgs.members.set.mutate({ orgId: 'acme', userId: id, role: 'member' }),
          ),
        );
        expect(asMember).toMatchObject({ reason: 'INVALID_USER_ID', httpStatus: 400 });
      },
    );

    it('a missing, malformed, expired or wrongly signed token is UNAUTHORIZED with its reason', async () => {
      const cases = [
        [createSwitchboardClient({ url: h.url, getToken: () => '' }), 'INVALID_TOKEN'],
        [withToken('not-a-jwt'), 'INVALID_TOKEN'],
        [
          withToken(await mint({ sub: 'mallory', exp: Math.floor(Date.now() / 1000) - 3600 })),
          'TOKEN_EXPIRED',
        ],
        [
          withToken(
            await mint(
              { sub: 'mallory' },
              new TextEncoder().encode('another-secret-another-secret-0123'),
            ),
          ),
          'INVALID_TOKEN',
        ],
        [withToken(await mint({ sub: 'mallory', aud: 'someone-else' })), 'INVALID_TOKEN'],
        [withToken(await mint({ sub: 'mallory', iss: 'someone-else' })), 'INVALID_TOKEN'],
      ] as const;
      for (const [client, reason] of cases) {
        const refused = await expectNothingWritten(() => failure(client.me.get.query()));
        expect(refused).toMatchObject({ code: 'UNAUTHORIZED', reason, httpStatus: 401 });
      }
      const noHeader = await fetch(`${h.url}/trpc/me.get`);
      expect(noHeader.status).toBe(401);
      expect(
        ((await noHeader.json()) as { error: { data: { reason: string } } }).error.data.reason,
      ).toBe('UNAUTHENTICATED');
    });

    it('an unknown toolkit is NOT_FOUND and no request is persisted', async () => {
      const refused = await expectNothingWritten(() =>
        failure(h.as('bob').connections.authorize.mutate({ toolkit: 'no-such-toolkit' })),
      );
      expect(refused).toMatchObject({ code: 'NOT_FOUND', reason: 'TOOLKIT_NOT_FOUND' });
    });

    it('an unknown tool is NOT_FOUND and not audited', async () => {
      const refused = await expectNothingWritten(() =>
        failure(h.as('bob').tools.execute.mutate({ tool: 'GITHUB_NO_SUCH_TOOL', arguments: {} })),
      );
      expect(refused).toMatchObject({ code: 'NOT_FOUND', reason: 'TOOL_NOT_FOUND' });
    });

    it("arguments that fail the tool's schema are INVALID_ARGUMENTS, naming the field", async () => {
      const refused = await expectNothingWritten(() =>
        failure(
          h.as('bob').tools.execute.mutate({ tool: 'GITHUB_GET_REPO', arguments: { owner: 42 } }),
        ),
      );
      expect(refused).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_ARGUMENTS' });
      expect(refused.message).toContain('owner');
    });

    it('malformed procedure input is INVALID_INPUT with the issues', async () => {
      const refused = await expectNothingWritten(() =>
        failure(h.as('bob').tools.execute.mutate({ tool: 'lowercase tool', arguments: {} })),
      );
      expect(refused).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_INPUT' });
      const polluted = await fetch(`${h.url}/trpc/tools.execute`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await h.token('bob')}`,
          'content-type': 'application/json',
        },
        body: '{"tool":"GITHUB_GET_REPO","arguments":{"__proto__":{"polluted":true},"owner":"x","repo":"y"}}',
      });
      expect(polluted.status).toBe(400);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('an org id that breaks the rules is INVALID_ORG_ID', async () => {
      const refused = await expectNothingWritten(() =>
        failure(h.as('bob').orgs.create.mutate({ name: 'Bad', id: 'default' })),
      );
      expect(refused).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_ORG_ID' });
    });

    it('a token older than AUTH_MAX_TOKEN_AGE_SECONDS is refused, whatever its expiry says', async () => {
      const now = Math.floor(Date.now() / 1000);
      const decadesAway = now + 30 * 365 * 86_400;
      const tooOld = await expectNothingWritten(async () =>
        failure(
          withToken(
            // 24 hours and a minute old, past the 30 s of tolerated skew.
            await mint({ sub: 'mallory', iat: now - 86_460, exp: decadesAway }),
          ).me.get.query(),
        ),
      );
      expect(tooOld).toMatchObject({ code: 'UNAUTHORIZED', reason: 'TOKEN_EXPIRED' });
      expect(tooOld.message).toContain('AUTH_MAX_TOKEN_AGE_SECONDS');

      const noIat = await expectNothingWritten(async () =>
        failure(
          withToken(await mint({ sub: 'mallory', iat: null, exp: decadesAway })).me.get.query(),
        ),
      );
      expect(noIat).toMatchObject({ code: 'UNAUTHORIZED', reason: 'INVALID_TOKEN' });
      expect(noIat.message).toContain('"iat"');

      const fromTheFuture = await expectNothingWritten(async () =>
        failure(withToken(await mint({ sub: 'mallory', iat: now + 3_600 })).me.get.query()),
      );
      expect(fromTheFuture).toMatchObject({ code: 'UNAUTHORIZED', reason: 'INVALID_TOKEN' });

      // Within its age a token is good, and the same refusal reaches the plain routes.
      const young = await mint({ sub: 'bob', iat: now - 3_600, exp: decadesAway });
      expect((await withToken(young).me.get.query()).user.id).toBe('bob');
      const download = await fetch(
        `${h.url}/audit/export?format=csv&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`,
        {
          headers: {
            authorization: `Bearer ${await mint({ sub: 'bob', iat: now - 86_460, exp: decadesAway })}`,
          },
        },
      );
      expect(download.status).toBe(401);
      expect(((await download.json()) as { error: { reason: string } }).error.reason).toBe(
        'TOKEN_EXPIRED',
      );
    });

    it('user ids that differ only in case are two people, with two scopes', async () => {
      const upper = h.as('Alice');
      const me = await upper.me.get.query();
      expect(me.user.id).toBe('Alice');
      expect(me.orgs).toStrictEqual([]);
      expect((await h.as('alice').me.get.query()).orgs.map((o) => o.id)).toContain('acme');
      expect(await failure(upper.orgs.get.query({ orgId: 'acme' }))).toMatchObject({
        reason: 'NOT_FOUND',
      });
      expect(await upper.connections.list.query()).toStrictEqual([]);
      expect(
        (await h.as('Bob').connections.list.query()).map((c) => c.upstreamIdentity),
      ).toStrictEqual([]);
      expect(
        (await h.as('bob').connections.list.query()).map((c) => c.upstreamIdentity),
      ).toStrictEqual(['bob-gh@example.test']);
    });

    it.each([
      'blob:http://127.0.0.1:5173/x',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'ftp://127.0.0.1:5173/x',
      'ws://127.0.0.1:5173/x',
    ])('callbackUrl %s is refused: only http(s) on the web origin', async (callbackUrl) => {
      expect(h.config.WEB_ORIGIN).toBe('http://127.0.0.1:5173');
      const bob = h.as('bob');
      const authorize = await expectNothingWritten(() =>
        failure(bob.connections.authorize.mutate({ toolkit: 'github', callbackUrl })),
      );
      expect(authorize).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_CALLBACK_URL' });
      const [account] = await bob.connections.list.query();
      if (!account) throw new Error('bob has a GitHub account');
      const reconnect = await expectNothingWritten(() =>
        failure(bob.connections.reconnect.mutate({ id: account.id, callbackUrl })),
      );
      expect(reconnect).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_CALLBACK_URL' });
      // A page of the web app is still fine.
      const pending = await bob.connections.authorize.mutate({
        toolkit: 'github',
        callbackUrl: 'http://127.0.0.1:5173/connections?from=test',
      });
      await bob.connections.cancel.mutate({ requestId: pending.requestId });
    });

    it('a callback URL off the web origin is refused (no open redirect)', async () => {
      const refused = await expectNothingWritten(() =>
        failure(
          h.as('bob').connections.authorize.mutate({
            toolkit: 'github',
            callbackUrl: 'https://evil.example/steal',
          }),
        ),
      );
      expect(refused).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_CALLBACK_URL' });
    });
  },
);
