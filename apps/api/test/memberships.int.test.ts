import { databaseKindsUnderTest } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, type Harness, startHarness } from './harness.js';

describe.each(databaseKindsUnderTest())('organizations and memberships on %s', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creating an organization makes the caller its owner; a taken id is a CONFLICT', async () => {
    const org = await h.as('dave').orgs.create.mutate({ name: 'Dave Co', id: 'dave-co' });
    expect(org).toMatchObject({ id: 'dave-co', name: 'Dave Co', role: 'owner' });
    expect(await h.as('dave').me.get.query()).toMatchObject({
      orgs: [{ id: 'dave-co', role: 'owner' }],
    });
    expect(
      await failure(h.as('bob').orgs.create.mutate({ name: 'Again', id: 'dave-co' })),
    ).toMatchObject({
      code: 'CONFLICT',
      reason: 'ORG_EXISTS',
    });
    const generated = await h.as('dave').orgs.create.mutate({ name: 'Ünïcode & Sons' });
    expect(generated.id).toMatch(/^unicode-sons-[0-9a-f]{6}$/);
  });

  it('only an owner grants admin; an admin manages members and viewers', async () => {
    await h.as('dave').orgs.members.set.mutate({ orgId: 'dave-co', userId: 'erin', role: 'admin' });
    expect(
      await failure(
        h.as('erin').orgs.members.set.mutate({ orgId: 'dave-co', userId: 'frank', role: 'admin' }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    const members = await h
      .as('erin')
      .orgs.members.set.mutate({ orgId: 'dave-co', userId: 'frank', role: 'viewer' });
    expect(members.map((m) => [m.userId, m.role])).toStrictEqual([
      ['dave', 'owner'],
      ['erin', 'admin'],
      ['frank', 'viewer'],
    ]);
    expect(
      await failure(
        h
          .as('frank')
          .orgs.members.set.mutate({ orgId: 'dave-co', userId: 'frank', role: 'member' }),
      ),
    ).toMatchObject({ reason: 'ROLE_REQUIRED' });
  });

  it('a viewer cannot change policies; an admin can', async () => {
    expect(
      await failure(
        h.as('frank').policies.set.mutate({ orgId: 'dave-co', toolkit: 'slack', scope: 'org' }),
      ),
    ).toMatchObject({ reason: 'ROLE_REQUIRED' });
    const policy = await h
      .as('erin')
      .policies.set.mutate({ orgId: 'dave-co', toolkit: 'slack', scope: 'org' });
    expect(policy).toMatchObject({
      toolkit: 'slack',
      scope: 'org',
      connectRoles: ['owner', 'admin'],
      executeRoles: ['owner', 'admin', 'member'],
      allowTools: null,
      denyTools: [],
      requireExplicitSelection: false,
      approvalTools: [],
      approveRoles: ['owner', 'admin'],
      updatedBy: 'erin',
    });
    expect(await h.as('frank').policies.list.query({ orgId: 'dave-co' })).toHaveLength(1);
    await h.as('erin').policies.remove.mutate({ orgId: 'dave-co', toolkit: 'slack' });
    expect(await h.as('frank').policies.list.query({ orgId: 'dave-co' })).toStrictEqual([]);
  });

  it('two concurrent demotions of the last two owners cannot both succeed', async () => {
    await h.as('dave').orgs.members.set.mutate({ orgId: 'dave-co', userId: 'erin', role: 'owner' });
    const results = await Promise.allSettled([
      h.as('dave').orgs.members.set.mutate({ orgId: 'dave-co', userId: 'dave', role: 'member' }),
      h.as('erin').orgs.members.set.mutate({ orgId: 'dave-co', userId: 'erin', role: 'member' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const members = await h.as('frank').orgs.members.list.query({ orgId: 'dave-co' });
    expect(members.filter((m) => m.role === 'owner')).toHaveLength(1);
  });

  it('a member may leave on their own', async () => {
    await h.as('frank').orgs.members.remove.mutate({ orgId: 'dave-co', userId: 'frank' });
    expect(await failure(h.as('frank').orgs.get.query({ orgId: 'dave-co' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
