import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './helpers/app.ts';
import { registerOwner, type Member } from './helpers/users.ts';

/**
 * Every route that takes an id must answer 404 when the id belongs to another account. The first test lists the
 * app's registered routes and fails for any route with a path parameter that has no case here, so a new route
 * cannot ship without its cross-account test.
 */

let t: TestContext;
let alice: Member;
let mallory: Member;
/** Ids of resources in Alice's account. */
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  alice = await registerOwner(t.app, 'Alice');
  mallory = await registerOwner(t.app, 'Mallory');
  const inject = (method: 'POST', url: string, payload: object) =>
    t.app.inject({ method, url, headers: alice.headers, payload }).then((r) => {
      if (r.statusCode >= 300) throw new Error(`${url}: ${r.body}`);
      return r.json().data;
    });
  const site = await inject('POST', '/api/v1/sites', { name: 'Alice blog', url: 'https://alice.example.com' });
  ids.siteId = site.id;
  ids.sectorId = (await inject('POST', `/api/v1/sites/${site.id}/sectors`, { name: 'Recipes' })).id;
  ids.invitationId = (await inject('POST', '/api/v1/invitations', { email: 'friend@example.com', role: 'viewer' })).id;
  ids.apiKeyId = (await inject('POST', '/api/v1/api-keys', { name: 'k', scopes: ['sites:read'] })).id;
  ids.jobId = (await inject('POST', '/api/v1/account/exports', {})).jobId;
  ids.userId = alice.userId;
  ids.credentialId = (
    await inject('POST', '/api/v1/ai/credentials', { provider: 'openai', apiKey: 'sk-alice-0000-1111' })
  ).id;
  ids.modelId = (await t.db.prisma.aiModel.findFirstOrThrow()).id;
  ids.function = 'generate_content';
});
afterAll(() => t?.close());

/** `status`: global resources of operators answer 403 to everyone else instead of 404. */
type Case = { body?: object; status?: number; code?: string };
/** "METHOD /url" -> how to call it as Mallory with Alice's ids. */
const CASES: Record<string, Case> = {
  'PATCH /api/v1/members/:userId': { body: { role: 'viewer' } },
  'DELETE /api/v1/members/:userId': {},
  'DELETE /api/v1/invitations/:invitationId': {},
  'DELETE /api/v1/api-keys/:apiKeyId': {},
  'GET /api/v1/sites/:siteId': {},
  'PATCH /api/v1/sites/:siteId': { body: { name: 'Pwned' } },
  'DELETE /api/v1/sites/:siteId': {},
  'GET /api/v1/sites/:siteId/sectors': {},
  'POST /api/v1/sites/:siteId/sectors': { body: { name: 'Injected' } },
  'GET /api/v1/sites/:siteId/sectors/:sectorId': {},
  'PATCH /api/v1/sites/:siteId/sectors/:sectorId': { body: { name: 'Pwned' } },
  'DELETE /api/v1/sites/:siteId/sectors/:sectorId': {},
  'GET /api/v1/sites/:siteId/connection': {},
  'DELETE /api/v1/sites/:siteId/connection': {},
  'POST /api/v1/sites/:siteId/connection/rotate': {},
  'POST /api/v1/sites/:siteId/connection/check': {},
  'DELETE /api/v1/ai/credentials/:credentialId': {},
  'PATCH /api/v1/ai/models/:modelId': { body: { active: false }, status: 403, code: 'OPERATOR_REQUIRED' },
  'PUT /api/v1/ai/defaults/:function': {
    body: { modelId: '00000000-0000-4000-8000-000000000000' },
    status: 403,
    code: 'OPERATOR_REQUIRED',
  },
  'GET /api/v1/jobs/:jobId': {},
  'POST /api/v1/jobs/:jobId/cancel': {},
};

function fill(url: string): string {
  return url.replace(/:(\w+)/g, (_, name: string) => {
    const id = ids[name];
    if (!id) throw new Error(`no fixture id for :${name}`);
    return id;
  });
}

describe('cross-account isolation', () => {
  it('has a case for every route that takes an id', () => {
    const withIds = t.app.routeCatalog.filter((r) => r.url.includes(':')).map((r) => `${r.method} ${r.url}`);
    expect(withIds.length).toBeGreaterThan(10);
    const missing = withIds.filter((key) => !(key in CASES));
    expect(missing, `routes without a cross-account test: add them to CASES`).toEqual([]);
    const stale = Object.keys(CASES).filter((key) => !withIds.includes(key));
    expect(stale, 'CASES for routes that no longer exist').toEqual([]);
  });

  for (const [key, testCase] of Object.entries(CASES)) {
    it(`${key} answers 404 to another account`, async () => {
      const [method, url] = key.split(' ') as [string, string];
      const res = await t.app.inject({
        method: method as 'GET',
        url: fill(url),
        headers: mallory.headers,
        ...(testCase.body ? { payload: testCase.body } : {}),
      });
      expect(res.statusCode, res.body).toBe(testCase.status ?? 404);
      expect(res.json()).toMatchObject({ success: false, code: testCase.code ?? 'NOT_FOUND' });
    });
  }

  it("left Alice's data untouched", async () => {
    const site = await t.app.inject({ method: 'GET', url: `/api/v1/sites/${ids.siteId}`, headers: alice.headers });
    expect(site.json().data).toMatchObject({ name: 'Alice blog', sectorCount: 1 });
    const sector = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sites/${ids.siteId}/sectors/${ids.sectorId}`,
      headers: alice.headers,
    });
    expect(sector.json().data.name).toBe('Recipes');
    const keys = await t.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: alice.headers });
    expect(keys.json().data[0].revokedAt).toBeNull();
    const job = await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${ids.jobId}`, headers: alice.headers });
    expect(job.json().data.status).toBe('queued');
    const members = await t.app.inject({ method: 'GET', url: '/api/v1/members', headers: alice.headers });
    expect(members.json().data[0].role).toBe('owner');
  });
});
