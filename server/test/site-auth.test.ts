import { generateKeyPair } from '@igny8/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSiteRoute, confineToSite, signedUrlWithActor, siteScopes } from '../src/modules/auth/site-principal.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { hasScope } from '../src/modules/auth/credentials.ts';
import { createTestApp, type TestContext } from './helpers/app.ts';
import { FakeSite } from './helpers/fake-site.ts';
import { registerOwner, type Member } from './helpers/users.ts';
import { insertKeywords, siteWithSector } from './planner/helpers.ts';

/**
 * A connected WordPress site calling account routes for one of its users (docs/connection-protocol.md, "Calls on
 * behalf of a WordPress user"). The FakeSite plays the plugin: it signs with the site key, the actor folded into
 * the canonical query as the plugin's ServerClient does.
 */

let t: TestContext;
let owner: Member;
let site: FakeSite;
let sectorId: string;
let other: { siteId: string; sectorId: string };

interface Call {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: object;
  role?: string;
  user?: string;
  /** Headers added or replaced after signing. */
  headers?: Record<string, string | undefined>;
  /** Sign this actor instead of the one sent. */
  signedActor?: { role: string; user: string };
  nonce?: string;
  key?: ReturnType<typeof generateKeyPair>;
  /** Sign this URL as it is (no actor folded in). */
  rawSignedUrl?: string;
}

function asSite(call: Call) {
  const method = call.method ?? 'GET';
  const body = call.body === undefined ? '' : JSON.stringify(call.body);
  const role = call.role ?? 'editor';
  const user = call.user ?? '7';
  const signed = call.signedActor ?? { role, user };
  const url =
    call.rawSignedUrl ??
    signedUrlWithActor(`http://localhost:80${call.path}`, {
      level: signed.role as 'editor',
      wpUserId: Number(signed.user),
    });
  const headers: Record<string, string> = {
    ...site.sign(method, url, body, {
      ...(call.nonce ? { nonce: call.nonce } : {}),
      ...(call.key ? { key: call.key } : {}),
    }),
    'x-igny8-wp-role': role,
    'x-igny8-wp-user': user,
    ...(body ? { 'content-type': 'application/json' } : {}),
  };
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return t.app.inject({ method, url: call.path, headers, ...(body ? { payload: body } : {}) });
}

beforeAll(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
  owner = await registerOwner(t.app);
  site = await new FakeSite().start();
  const key = (await t.app.inject({ method: 'POST', url: '/api/v1/connection-keys', headers: owner.headers })).json()
    .data.key;
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/connect/register',
    payload: site.registerBody(key),
  });
  expect(registered.statusCode).toBe(201);
  site.accept(registered.json().data);
  const sector = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${site.siteId}/sectors`,
    headers: owner.headers,
    payload: { name: 'Main' },
  });
  sectorId = sector.json().data.id;
  await insertKeywords(t, owner, { siteId: site.siteId!, sectorId }, [
    { keyword: 'best trail shoes', volume: 900 },
    { keyword: 'trail shoes for mud', volume: 300 },
  ]);
  other = await siteWithSector(t, owner, 'Other');
  await insertKeywords(t, owner, other, [{ keyword: 'another site keyword', volume: 50 }]);
});
afterAll(async () => {
  await site?.close();
  await t?.close();
});

describe('a site calling account routes for a WordPress user', () => {
  it('lists its planner keywords with a signed GET', async () => {
    const res = await asSite({ path: `/api/v1/planner/keywords?siteId=${site.siteId}&sectorId=${sectorId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.items.map((k: { keyword: string }) => k.keyword)).toEqual([
      'best trail shoes',
      'trail shoes for mud',
    ]);
  });

  it('refuses the actor headers without a signature, and a bad or altered signature', async () => {
    const unsigned = await t.app.inject({
      method: 'GET',
      url: `/api/v1/planner/keywords?siteId=${site.siteId}`,
      headers: { 'x-igny8-wp-role': 'admin', 'x-igny8-wp-user': '1', 'x-igny8-site': site.siteId! },
    });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().code).toBe('UNAUTHENTICATED');

    const path = `/api/v1/planner/keywords?siteId=${site.siteId}`;
    const cases: [string, Call, string][] = [
      ['another key', { path, key: generateKeyPair() }, 'SIGNATURE_INVALID'],
      ['a forged signature', { path, headers: { 'x-igny8-signature': 'A'.repeat(86) } }, 'SIGNATURE_INVALID'],
      ['a raised role', { path, role: 'admin', signedActor: { role: 'subscriber', user: '7' } }, 'SIGNATURE_INVALID'],
      ['another user', { path, user: '1', signedActor: { role: 'editor', user: '7' } }, 'SIGNATURE_INVALID'],
      ['no actor', { path, headers: { 'x-igny8-wp-role': undefined } }, 'SIGNATURE_INVALID'],
      ['an unknown level', { path, role: 'owner' }, 'SIGNATURE_INVALID'],
      ['a stale timestamp', { path, headers: { 'x-igny8-timestamp': '1000000000' } }, 'SIGNATURE_EXPIRED'],
      [
        'an actor in the query',
        {
          path: `${path}&x-igny8-wp-role=admin`,
          rawSignedUrl: `http://localhost:80${path}&x-igny8-wp-role=admin&x-igny8-wp-user=7`,
        },
        'SIGNATURE_INVALID',
      ],
    ];
    for (const [what, call, code] of cases) {
      const res = await asSite(call);
      expect({ what, status: res.statusCode, code: res.json().code }).toEqual({ what, status: 401, code });
    }

    const both = await asSite({ path, headers: owner.headers });
    expect(both.statusCode).toBe(401);
    expect(both.json().error).toMatch(/not both/);
  });

  it('refuses a replayed nonce', async () => {
    const path = `/api/v1/planner/keywords?siteId=${site.siteId}`;
    const nonce = 'replay-me-0123456789abcdef';
    expect((await asSite({ path, nonce })).statusCode).toBe(200);
    const replay = await asSite({ path, nonce });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('SIGNATURE_REPLAYED');
  });

  it("answers 404 for another site's id, in the query, the path, a JSON body or a resource of that site", async () => {
    const otherKeyword = await t.db.prisma.keyword.findFirstOrThrow({ where: { siteId: other.siteId } });
    const ownKeyword = await t.db.prisma.keyword.findFirstOrThrow({ where: { siteId: site.siteId! } });
    const cases: Call[] = [
      { path: `/api/v1/planner/keywords?siteId=${other.siteId}` },
      { path: `/api/v1/planner/keywords?siteId=${other.siteId.toUpperCase()}&siteId=${site.siteId}` },
      { path: `/api/v1/sites/${other.siteId}/sectors` },
      { path: `/api/v1/sites/${site.siteId}/sectors/${other.sectorId}` },
      { method: 'PATCH', path: `/api/v1/planner/keywords/${otherKeyword.id}`, body: { volume: 1 } },
      {
        method: 'POST',
        path: '/api/v1/planner/keywords/import',
        body: { siteId: other.siteId, sectorId: other.sectorId, text: 'x' },
      },
    ];
    for (const call of cases) {
      const res = await asSite(call);
      expect({ path: call.path, status: res.statusCode, code: res.json().code }).toEqual({
        path: call.path,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    // Its own site's resources answer.
    const own = await asSite({
      method: 'PATCH',
      path: `/api/v1/planner/keywords/${ownKeyword.id}`,
      body: { volume: 1 },
    });
    expect(own.statusCode).toBe(200);
    expect((await asSite({ path: `/api/v1/sites/${site.siteId}/sectors` })).statusCode).toBe(200);
  });

  it('imports pasted keywords as an editor and polls the job; a subscriber can read but not write', async () => {
    const body = { siteId: site.siteId, sectorId, text: 'keyword,volume\nwaterproof trail shoes,400\n' };
    const denied = await asSite({ method: 'POST', path: '/api/v1/planner/keywords/import', body, role: 'subscriber' });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('ROLE_REQUIRED');
    expect(
      (await asSite({ path: `/api/v1/planner/keywords?siteId=${site.siteId}`, role: 'subscriber' })).statusCode,
    ).toBe(200);

    const started = await asSite({
      method: 'POST',
      path: '/api/v1/planner/keywords/import',
      body,
      role: 'contributor',
    });
    expect(started.statusCode).toBe(202);
    const { jobId, importId } = started.json().data;
    const job = await asSite({ path: `/api/v1/jobs/${jobId}` });
    expect(job.statusCode).toBe(200);
    expect(job.json().data.id).toBe(jobId);
    expect((await asSite({ path: `/api/v1/planner/imports/${importId}` })).statusCode).toBe(200);
    const run = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: jobId } });
    expect(run.createdById).toBe(owner.userId); // the member who connected the site
  });

  it("answers 404 for another site's job", async () => {
    const otherJob = await t.db.prisma.jobRun.create({
      data: { id: crypto.randomUUID(), accountId: owner.accountId, siteId: other.siteId, type: 'planner.import' },
    });
    const res = await asSite({ path: `/api/v1/jobs/${otherJob.id}` });
    expect(res.statusCode).toBe(404);
  });

  it('keeps sites off account-wide and people-only routes', async () => {
    const cases: Call[] = [
      { path: '/api/v1/sites' },
      { path: '/api/v1/sites', role: 'admin' },
      { path: '/api/v1/ai/calls' },
      { path: '/api/v1/auth/me' },
      { path: '/api/v1/members' },
      {
        method: 'POST',
        path: '/api/v1/billing/grants',
        body: { accountId: crypto.randomUUID(), amount: 1, note: 'x' },
        role: 'admin',
      },
      { method: 'POST', path: '/api/v1/api-keys', body: { name: 'x', scopes: ['planner:read'] }, role: 'admin' },
      { method: 'POST', path: '/api/v1/connection-keys', role: 'admin' },
    ];
    for (const call of cases) {
      const res = await asSite(call);
      expect({ path: call.path, status: res.statusCode, code: res.json().code }).toEqual({
        path: call.path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
  });

  it('refuses a multipart body, whose bytes the signature cannot cover here', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/planner/keywords/import',
      headers: {
        ...site.sign('POST', `http://localhost:80/api/v1/planner/keywords/import`, ''),
        'x-igny8-wp-role': 'editor',
        'x-igny8-wp-user': '7',
        'content-type': 'multipart/form-data; boundary=x',
      },
      payload: '--x\r\nContent-Disposition: form-data; name="siteId"\r\n\r\nabc\r\n--x--\r\n',
    });
    expect(res.statusCode).toBe(415);
  });

  it('stops when the account is suspended', async () => {
    await t.db.prisma.account.update({ where: { id: owner.accountId }, data: { status: 'suspended' } });
    try {
      const res = await asSite({ path: `/api/v1/planner/keywords?siteId=${site.siteId}` });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('ACCOUNT_SUSPENDED');
    } finally {
      await t.db.prisma.account.update({ where: { id: owner.accountId }, data: { status: 'active' } });
    }
  });
});

describe('site principal rules', () => {
  it('folds the actor into the signed query, after any query of the request', () => {
    const actor = { level: 'author' as const, wpUserId: 12 };
    expect(signedUrlWithActor('http://s/api/v1/x', actor)).toBe(
      'http://s/api/v1/x?x-igny8-wp-role=author&x-igny8-wp-user=12',
    );
    expect(signedUrlWithActor('http://s/api/v1/x?a=1', actor)).toBe(
      'http://s/api/v1/x?a=1&x-igny8-wp-role=author&x-igny8-wp-user=12',
    );
    expect(() => signedUrlWithActor('http://s/x?X-IGNY8-WP-USER=1', actor)).toThrow(/reserved/);
  });

  it("finds an image's site through its content", async () => {
    const queries: string[] = [];
    const prisma = {
      $queryRawUnsafe: async (sql: string) => {
        queries.push(sql);
        return [{ siteId: 'the-other-site' }];
      },
    } as unknown as PrismaClient;
    const imageId = crypto.randomUUID();
    const auth = { accountId: crypto.randomUUID() } as Parameters<typeof confineToSite>[1];
    await expect(
      confineToSite(prisma, auth, 'this-site', { params: { imageId }, query: {}, body: undefined }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Image ${imageId} was not found.` });
    expect(queries[0]).toMatch(/FROM "ContentImage" r JOIN "Content" p ON p.id = r."contentId"/);
  });

  it("finds an editor image's site on the image itself", async () => {
    const queries: string[] = [];
    const prisma = {
      $queryRawUnsafe: async (sql: string) => {
        queries.push(sql);
        return [{ siteId: 'the-other-site' }];
      },
    } as unknown as PrismaClient;
    const editorImageId = crypto.randomUUID();
    const auth = { accountId: crypto.randomUUID() } as Parameters<typeof confineToSite>[1];
    await expect(
      confineToSite(prisma, auth, 'this-site', { params: { editorImageId }, query: {}, body: undefined }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Image ${editorImageId} was not found.` });
    expect(queries[0]).toMatch(/FROM "EditorImage" WHERE id = \$1::uuid AND "accountId" = \$2::uuid/);
  });

  it('gives publishing only to levels that can publish posts in WordPress', () => {
    const credential = (level: 'author' | 'contributor') => ({
      kind: 'site' as const,
      siteId: 's',
      wpUserId: 1,
      wpRole: level,
      scopes: siteScopes(level),
    });
    const publish = { role: 'editor' as const, scope: 'publisher:write' as const };
    expect(() => checkSiteRoute(publish, 'POST', '/api/v1/publisher/x', credential('author'), hasScope)).not.toThrow();
    expect(() => checkSiteRoute(publish, 'POST', '/api/v1/publisher/x', credential('contributor'), hasScope)).toThrow(
      /publish posts/,
    );
    expect(() =>
      checkSiteRoute({ scope: 'publisher:read' }, 'GET', '/api/v1/publisher/x', credential('contributor'), hasScope),
    ).not.toThrow();
    expect(() =>
      checkSiteRoute({ scope: 'members:read' }, 'GET', '/api/v1/members', credential('author'), hasScope),
    ).toThrow(/cannot call/);
    expect(() =>
      checkSiteRoute({ scope: 'sites:read' }, 'GET', '/api/v1/sites', credential('author'), hasScope),
    ).toThrow(/cannot call/);
  });
});
