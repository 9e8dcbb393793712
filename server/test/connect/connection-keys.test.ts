import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { FakeSite } from '../helpers/fake-site.ts';
import { addMember, registerOwner, type Member } from '../helpers/users.ts';

/** The manual connection keys of headless setups: listed (without one-click grants), revoked. */

let t: TestContext;
let owner: Member;
const sites: FakeSite[] = [];

beforeAll(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
  owner = await registerOwner(t.app);
});
afterAll(async () => {
  await Promise.all(sites.map((s) => s.close()));
  await t?.close();
});

async function fakeSite(): Promise<FakeSite> {
  const site = await new FakeSite().start();
  sites.push(site);
  return site;
}

async function createKey(member: Member = owner): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/connection-keys', headers: member.headers });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().data.key;
}

const list = (member: Member = owner) =>
  t.app.inject({ method: 'GET', url: '/api/v1/connection-keys', headers: member.headers });
const revoke = (id: string, member: Member = owner) =>
  t.app.inject({ method: 'DELETE', url: `/api/v1/connection-keys/${id}`, headers: member.headers });

describe('connection keys', () => {
  it('lists manual keys newest first with their status, never the key, and never a one-click grant', async () => {
    const site = await fakeSite();
    const key = await createKey();
    const grant = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/grants',
      headers: owner.headers,
      payload: {
        siteUrl: site.url,
        state: randomBytes(32).toString('base64url'),
        returnUrl: `${site.url}/wp-admin/admin.php?page=igny8-connection`,
      },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const res = await list();
    expect(res.statusCode, res.body).toBe(200);
    const keys = res.json().data;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ status: 'unused', usedAt: null, siteId: null, createdByName: 'Owner' });
    expect(res.body).not.toContain(key);
    // The grant is in the table, just not in the list.
    expect(await t.db.prisma.connectionKey.count({ where: { accountId: owner.accountId } })).toBe(2);
  });

  it('shows the site a used key connected', async () => {
    const site = await fakeSite();
    const key = await createKey();
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/register',
      payload: site.registerBody(key),
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const used = (await list()).json().data.find((k: { status: string }) => k.status === 'used');
    expect(used).toMatchObject({ siteName: 'Fake Blog' });
    expect(used.siteId).toBeTruthy();

    const refused = await revoke(used.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatch(/already used to connect a site/);
  });

  it('revokes an unused key: it stops working at once', async () => {
    const site = await fakeSite();
    const key = await createKey();
    const id = (await list()).json().data[0].id;
    const res = await revoke(id);
    expect(res.statusCode, res.body).toBe(200);
    expect((await list()).json().data[0]).toMatchObject({ id, status: 'expired' });
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/register',
      payload: site.registerBody(key),
    });
    expect(registered.statusCode).toBeGreaterThanOrEqual(400);
    expect(site.received).toHaveLength(0);
    expect((await revoke(id)).statusCode).toBe(409);
  });

  it('needs an admin: editors and viewers can neither list nor revoke', async () => {
    await createKey();
    const id = (await list()).json().data[0].id;
    for (const role of ['editor', 'viewer'] as const) {
      const member = await addMember(t.app, owner, role);
      expect((await list(member)).statusCode).toBe(403);
      expect((await revoke(id, member)).statusCode).toBe(403);
    }
  });

  it('answers 404 for a grant id: grants are not keys', async () => {
    const site = await fakeSite();
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/grants',
      headers: owner.headers,
      payload: {
        siteUrl: site.url,
        state: randomBytes(32).toString('base64url'),
        returnUrl: `${site.url}/wp-admin/admin.php?page=igny8-connection`,
      },
    });
    const grant = await t.db.prisma.connectionKey.findFirstOrThrow({
      where: { accountId: owner.accountId, boundSiteUrl: { not: null } },
    });
    expect((await revoke(grant.id)).statusCode).toBe(404);
  });
});
