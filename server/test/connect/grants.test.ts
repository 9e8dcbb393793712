import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { FakeSite } from '../helpers/fake-site.ts';
import { addMember, createApiKey, registerOwner, type Member } from '../helpers/users.ts';

/** Connect to IGNY8 (docs/connection-protocol.md, "Connect with one click"): grants, their preview, redeeming. */

let t: TestContext;
let owner: Member;

beforeAll(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
  owner = await registerOwner(t.app);
});
afterAll(async () => {
  await t?.close();
});

const newState = () => randomBytes(32).toString('base64url');
const adminOf = (site: FakeSite) => `${site.url}/wp-admin/admin.php?page=igny8-connection`;

/** A fresh fake WordPress site per test: each one connects once. */
async function fakeSite(): Promise<FakeSite> {
  const site = await new FakeSite().start();
  sites.push(site);
  return site;
}
const sites: FakeSite[] = [];
afterAll(async () => {
  await Promise.all(sites.map((s) => s.close()));
});

function requestGrant(body: Record<string, unknown>, member: Member | { headers: Record<string, string> } = owner) {
  return t.app.inject({ method: 'POST', url: '/api/v1/connect/grants', headers: member.headers, payload: body });
}

/** Issues a grant for the site and answers the grant and state the browser would bring back. */
async function grantFor(site: FakeSite, extra: Record<string, unknown> = {}, member: Member = owner) {
  const state = newState();
  const res = await requestGrant({ siteUrl: site.url, state, returnUrl: adminOf(site), ...extra }, member);
  expect(res.statusCode, res.body).toBe(201);
  const back = new URL(res.json().data.redirectUrl);
  return { grant: back.searchParams.get('igny8_grant')!, state: back.searchParams.get('igny8_state')!, res };
}

/** The plugin's register call with a grant in place of a connection key. */
function redeem(site: FakeSite, grant: string, state: string, over: Record<string, unknown> = {}) {
  const { connectionKey: _unused, ...body } = site.registerBody('unused', over);
  return t.app.inject({ method: 'POST', url: '/api/v1/connect/register', payload: { ...body, grant, state } });
}

describe('issuing a grant', () => {
  it('answers the return URL with the grant and state added, valid 10 minutes', async () => {
    const site = await fakeSite();
    const state = newState();
    const before = Date.now();
    const res = await requestGrant({ siteUrl: `${site.url}/`, state, returnUrl: `${adminOf(site)}#top` });
    expect(res.statusCode, res.body).toBe(201);
    const { redirectUrl, expiresAt } = res.json().data;
    const back = new URL(redirectUrl);
    expect(`${back.origin}${back.pathname}`).toBe(`${site.url}/wp-admin/admin.php`);
    expect(back.searchParams.get('page')).toBe('igny8-connection');
    expect(back.searchParams.get('igny8_state')).toBe(state);
    expect(back.searchParams.get('igny8_grant')).toMatch(/^igny8cg_[A-Za-z0-9_-]{43}$/);
    expect(back.hash).toBe('');
    const ttl = new Date(expiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 1000);

    // Stored hashed, bound to the normalized site URL and the state's hash.
    const stored = await t.db.prisma.connectionKey.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    expect(stored).toMatchObject({ boundSiteUrl: site.url, accountId: owner.accountId, usedAt: null });
    expect(stored.keyHash).not.toContain(back.searchParams.get('igny8_grant'));
    expect(stored.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.stateHash).not.toBe(state);
  });

  it('accepts a wp-admin in a subdirectory of the site, and https for an http site', async () => {
    const site = await fakeSite();
    const port = new URL(site.url).port;
    for (const returnUrl of [
      `${site.url}/wp/wp-admin/admin.php?page=igny8-connection`,
      `https://127.0.0.1:${port}/wp-admin/admin.php?page=igny8-connection`,
    ]) {
      const res = await requestGrant({ siteUrl: site.url, state: newState(), returnUrl });
      expect(res.statusCode, `${returnUrl}: ${res.body}`).toBe(201);
    }
  });

  it('refuses a return URL that is not the wp-admin of the site', async () => {
    const site = await fakeSite();
    const port = Number(new URL(site.url).port);
    for (const returnUrl of [
      'https://evil.example/wp-admin/admin.php?page=igny8-connection',
      `http://127.0.0.2:${port}/wp-admin/admin.php`,
      `http://127.0.0.1:${port + 1}/wp-admin/admin.php`,
      `http://user:pw@127.0.0.1:${port}/wp-admin/admin.php`,
      `${site.url}/admin.php?page=igny8-connection`,
      `${site.url}/wp-admin-evil/admin.php`,
      `${site.url}/wp-admin`,
      `${site.url}/x/../../wp-adminx/`,
      'javascript:alert(1)',
    ]) {
      const res = await requestGrant({ siteUrl: site.url, state: newState(), returnUrl });
      expect(res.statusCode, returnUrl).toBe(422);
      expect(res.json().code, returnUrl).toMatch(/^(RETURN_URL_NOT_ON_SITE|VALIDATION_FAILED)$/);
    }
    const res = await requestGrant({
      siteUrl: site.url,
      state: newState(),
      returnUrl: 'https://evil.example/wp-admin/admin.php',
    });
    expect(res.json()).toMatchObject({ code: 'RETURN_URL_NOT_ON_SITE', details: { field: 'returnUrl' } });
    expect(res.json().error).toContain(site.url);

    // A site in a subdirectory: its wp-admin is under that directory.
    const nested = await requestGrant({
      siteUrl: `${site.url}/blog`,
      state: newState(),
      returnUrl: `${site.url}/wp-admin/admin.php`,
    });
    expect(nested.json().code).toBe('RETURN_URL_NOT_ON_SITE');
  });

  it('refuses a missing or short state', async () => {
    const site = await fakeSite();
    for (const state of [undefined, '', 'x'.repeat(31), `${'x'.repeat(40)}/`]) {
      const res = await requestGrant({ siteUrl: site.url, state, returnUrl: adminOf(site) });
      expect(res.statusCode, String(state)).toBe(422);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().details.fields[0]).toMatchObject({ field: 'state' });
    }
  });

  it('refuses a site address the server may not call', async () => {
    const strict = await createTestApp();
    try {
      const strictOwner = await registerOwner(strict.app);
      const res = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/connect/grants',
        headers: strictOwner.headers,
        payload: { siteUrl: 'http://10.1.2.3', state: newState(), returnUrl: 'http://10.1.2.3/wp-admin/admin.php' },
      });
      expect(res.json()).toMatchObject({ code: 'SITE_URL_FORBIDDEN', details: { field: 'siteUrl' } });
      expect(await strict.db.prisma.connectionKey.count()).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('takes an admin or owner signed in to the account', async () => {
    const site = await fakeSite();
    const body = { siteUrl: site.url, state: newState(), returnUrl: adminOf(site) };
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/connect/grants', payload: body });
    expect(anonymous.json().code).toBe('UNAUTHENTICATED');
    const editor = await addMember(t.app, owner, 'editor');
    expect((await requestGrant(body, editor)).json().code).toBe('ROLE_REQUIRED');
    const admin = await addMember(t.app, owner, 'admin');
    expect((await requestGrant(body, admin)).statusCode).toBe(201);
    const readOnlyKey = await createApiKey(t.app, owner, ['sites:read']);
    const keyed = await requestGrant(body, { headers: { authorization: `Bearer ${readOnlyKey}` } });
    expect(keyed.json().code).toBe('INSUFFICIENT_SCOPE');
  });
});

describe('previewing a link before signing in', () => {
  const preview = (query: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: `/api/v1/connect/grants/preview?${new URLSearchParams(query)}` });

  it('answers ok for a good pair, without a credential', async () => {
    const site = await fakeSite();
    const res = await preview({ siteUrl: `${site.url}/`, returnUrl: adminOf(site) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toEqual({ siteUrl: site.url, returnHost: new URL(site.url).host, ok: true });
  });

  it('explains a bad pair with the code the grant would answer', async () => {
    const site = await fakeSite();
    const elsewhere = (await preview({ siteUrl: site.url, returnUrl: 'https://evil.example/wp-admin/' })).json().data;
    expect(elsewhere).toMatchObject({
      siteUrl: site.url,
      returnHost: 'evil.example',
      ok: false,
      problem: { code: 'RETURN_URL_NOT_ON_SITE', field: 'returnUrl' },
    });
    expect(elsewhere.problem.message).toContain('wp-admin');

    const notUrl = (await preview({ siteUrl: 'not a url', returnUrl: 'neither' })).json().data;
    expect(notUrl).toMatchObject({
      siteUrl: 'not a url',
      returnHost: null,
      ok: false,
      problem: { code: 'VALIDATION_FAILED', field: 'siteUrl' },
    });

    const strict = await createTestApp();
    try {
      const res = await strict.app.inject({
        method: 'GET',
        url: `/api/v1/connect/grants/preview?${new URLSearchParams({ siteUrl: 'http://169.254.169.254', returnUrl: 'http://169.254.169.254/wp-admin/' })}`,
      });
      expect(res.json().data).toMatchObject({ ok: false, problem: { code: 'SITE_URL_FORBIDDEN', field: 'siteUrl' } });
    } finally {
      await strict.close();
    }
  });

  it('names a missing parameter', async () => {
    const res = await preview({ siteUrl: 'https://blog.example' });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields[0]).toMatchObject({
      in: 'query',
      field: 'returnUrl',
      message: expect.stringContaining('return_url'),
    });
  });
});

describe('redeeming a grant', () => {
  it('connects the site like a connection key, with the sector picked when approving', async () => {
    const site = await fakeSite();
    const { grant, state } = await grantFor(site, { sector: { name: 'Garden tools', language: 'de' } });
    const res = await redeem(site, grant, state);
    expect(res.statusCode, res.body).toBe(201);
    const data = res.json().data;
    expect(data).toMatchObject({ accountId: owner.accountId });
    expect(site.received.at(-1)).toMatchObject({ path: '/wp-json/igny8/v1/connect/verify' });

    const sectors = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sites/${data.siteId}/sectors`,
      headers: owner.headers,
    });
    expect(sectors.json().data.items ?? sectors.json().data).toMatchObject([{ name: 'Garden tools', language: 'de' }]);
    const stored = await t.db.prisma.connectionKey.findFirstOrThrow({ where: { siteId: data.siteId } });
    expect(stored.usedAt).not.toBeNull();

    // Used once: a second handshake with it is refused, before the site is called.
    const calls = site.received.length;
    const again = await redeem(site, grant, state);
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('CONNECTION_GRANT_INVALID');
    expect(again.json().error).toContain('Connect to IGNY8');
    expect(site.received).toHaveLength(calls);
  });

  it('gives a site connected again the sector only when it has none of that name', async () => {
    const site = await fakeSite();
    const first = await grantFor(site, { sector: { name: 'Recipes' } });
    const siteId = (await redeem(site, first.grant, first.state)).json().data.siteId;
    const second = await grantFor(site, { sector: { name: 'recipes' } });
    expect((await redeem(site, second.grant, second.state)).json().data.siteId).toBe(siteId);
    expect(await t.db.prisma.sector.count({ where: { siteId } })).toBe(1);
  });

  it('refuses a state that does not match, without using up the grant', async () => {
    const site = await fakeSite();
    const { grant, state } = await grantFor(site);
    const res = await redeem(site, grant, newState());
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'CONNECT_STATE_MISMATCH', details: { field: 'state' } });
    expect(site.received).toHaveLength(0);
    expect((await redeem(site, grant, state)).statusCode).toBe(201);
  });

  it('refuses an expired grant', async () => {
    const site = await fakeSite();
    const { grant, state } = await grantFor(site);
    await t.db.prisma.connectionKey.updateMany({
      where: { boundSiteUrl: site.url, usedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await redeem(site, grant, state);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('CONNECTION_GRANT_INVALID');
    expect(res.json().error).toMatch(/expired/);
    expect(site.received).toHaveLength(0);
  });

  it('refuses a grant for another site', async () => {
    const site = await fakeSite();
    const other = await fakeSite();
    const { grant, state } = await grantFor(site);
    // The other site presents it (from its own address, so the REST URL check passes).
    const res = await redeem(other, grant, state);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'CONNECTION_GRANT_WRONG_SITE', details: { field: 'siteUrl' } });
    expect(res.json().error).toContain(site.url);
    expect(other.received).toHaveLength(0);
  });

  it('keeps keys and grants apart: a grant is no key, a key is no grant', async () => {
    const site = await fakeSite();
    const { grant, state } = await grantFor(site);
    const asKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/register',
      payload: site.registerBody(grant),
    });
    expect(asKey.json().code).toBe('CONNECTION_KEY_INVALID');

    const key = (await t.app.inject({ method: 'POST', url: '/api/v1/connection-keys', headers: owner.headers })).json()
      .data.key;
    expect((await redeem(site, key, state)).json().code).toBe('CONNECTION_GRANT_INVALID');

    const both = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/register',
      payload: { ...site.registerBody(key), grant, state },
    });
    expect(both.statusCode).toBe(422);
    expect(both.json().code).toBe('VALIDATION_FAILED');
    const noState = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/register',
      payload: { ...site.registerBody('unused'), connectionKey: undefined, grant },
    });
    expect(noState.json().details.fields).toEqual([expect.objectContaining({ field: 'state' })]);
    expect(site.received).toHaveLength(0);

    // The manual key still connects.
    const manual = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/register',
      payload: site.registerBody(key),
    });
    expect(manual.statusCode, manual.body).toBe(201);
  });

  it('connects the site to the account that approved it only (cross-account)', async () => {
    const mallory = await registerOwner(t.app, 'Mallory');
    const site = await fakeSite();
    const { grant, state } = await grantFor(site, { sector: { name: 'Mallory sector' } }, mallory);
    const res = await redeem(site, grant, state);
    expect(res.json().data.accountId).toBe(mallory.accountId);
    const siteId: string = res.json().data.siteId;

    const asOwner = await t.app.inject({ method: 'GET', url: `/api/v1/sites/${siteId}`, headers: owner.headers });
    expect(asOwner.statusCode).toBe(404);
    expect(asOwner.json().code).toBe('NOT_FOUND');
    const ownerSites = await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers: owner.headers });
    expect(ownerSites.json().data.items.map((s: { id: string }) => s.id)).not.toContain(siteId);
  });
});
