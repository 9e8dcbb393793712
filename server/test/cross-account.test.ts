import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './helpers/app.ts';
import { registerOwner, type Member } from './helpers/users.ts';
import { recomputeClusters } from '../src/modules/planner/data/cluster-metrics.ts';

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
  const sectorId: string = (await inject('POST', `/api/v1/sites/${site.id}/sectors`, { name: 'Recipes' })).id;
  ids.sectorId = sectorId;
  ids.runId = (
    await t.db.prisma.automationRun.create({
      data: { id: crypto.randomUUID(), accountId: alice.accountId, siteId: site.id, trigger: 'manual', settings: {} },
    })
  ).id;
  ids.invitationId = (await inject('POST', '/api/v1/invitations', { email: 'friend@example.com', role: 'viewer' })).id;
  ids.apiKeyId = (await inject('POST', '/api/v1/api-keys', { name: 'k', scopes: ['sites:read'] })).id;
  ids.jobId = (await inject('POST', '/api/v1/account/exports', {})).jobId;
  ids.userId = alice.userId;
  ids.accountId = alice.accountId;
  await inject('POST', '/api/v1/connection-keys', {});
  ids.connectionKeyId = (
    await t.db.prisma.connectionKey.findFirstOrThrow({ where: { accountId: alice.accountId } })
  ).id;
  ids.credentialId = (
    await inject('POST', '/api/v1/ai/credentials', { provider: 'openai', apiKey: 'sk-alice-0000-1111' })
  ).id;
  ids.modelId = (await t.db.prisma.aiModel.findFirstOrThrow()).id;
  // A prompt override (version 1 of generate_ideas) only Alice's account has.
  await t.app.inject({
    method: 'PUT',
    url: '/api/v1/ai/prompts',
    headers: alice.headers,
    payload: { function: 'generate_ideas', template: 'Alice ideas for {{cluster_name}}: {{keywords}}' },
  });
  ids.function = 'generate_content';

  // Planner: keywords in two clusters, an idea, an import.
  const owned = { accountId: alice.accountId, siteId: site.id as string, sectorId };
  const keyword = (text: string) =>
    t.db.prisma.keyword.create({
      data: { ...owned, keyword: text, normalized: text, intent: 'informational', source: 'manual', volume: 10 },
    });
  const cluster = (name: string) => t.db.prisma.keywordCluster.create({ data: { ...owned, name, method: 'manual' } });
  const [k1, k2] = [await keyword('apple pie'), await keyword('pear tart')];
  const [c1, c2] = [await cluster('apple pie'), await cluster('pear tart')];
  await t.db.prisma.keyword.update({ where: { id: k1.id }, data: { clusterId: c1.id, status: 'clustered' } });
  await t.db.prisma.keyword.update({ where: { id: k2.id }, data: { clusterId: c2.id, status: 'clustered' } });
  await recomputeClusters(t.db.prisma, [c1.id, c2.id]);
  ids.keywordId = k1.id;
  ids.clusterId = c1.id;
  ids.otherClusterId = c2.id;
  ids.ideaId = (
    await inject('POST', '/api/v1/planner/ideas', {
      clusterId: c1.id,
      title: 'The best apple pie',
      contentType: 'guide',
      primaryKeyword: 'apple pie',
      intent: 'informational',
    })
  ).id;
  ids.importId = (
    await inject('POST', '/api/v1/planner/keywords/import', {
      siteId: site.id,
      sectorId: ids.sectorId,
      text: 'apple crumble\nplum cake',
    })
  ).importId;
  // Writer: a hand-made task with one written version.
  ids.taskId = (
    await inject('POST', '/api/v1/writer/tasks', {
      siteId: site.id,
      sectorId,
      title: 'The best apple pie',
      primaryKeyword: 'apple pie',
    })
  ).id;
  const content = await t.db.prisma.content.create({
    data: { accountId: alice.accountId, siteId: site.id, taskId: ids.taskId!, language: 'en', currentVersion: 1 },
  });
  await t.db.prisma.contentVersion.create({
    data: {
      contentId: content.id,
      number: 1,
      source: 'edited',
      title: 'Apple pie',
      seoTitle: 'Apple pie',
      metaDescription: 'Apple pie.',
      slug: 'apple-pie',
      excerpt: 'Apple pie.',
      sections: [{ level: 'h2', heading: 'Crust', html: '<p>Cold butter.</p>' }],
      body: '<!-- wp:paragraph -->\n<p>Cold butter.</p>\n<!-- /wp:paragraph -->',
      wordCount: 2,
    },
  });
  ids.contentId = content.id;
  ids.imageId = (
    await t.db.prisma.contentImage.create({
      data: {
        accountId: alice.accountId,
        contentId: content.id,
        role: 'featured',
        position: 0,
        prompt: 'A golden apple pie on a wooden table',
        altText: 'An apple pie',
        title: 'Apple pie',
      },
    })
  ).id;
  ids.number = '1';
  ids.index = '0';
  ids.editorImageId = (
    await t.db.prisma.editorImage.create({
      data: { accountId: alice.accountId, siteId: site.id, prompt: 'An apple pie', altText: 'An apple pie' },
    })
  ).id;
});
afterAll(() => t?.close());

/** `status`: global resources of operators answer 403 to everyone else instead of 404. */
type Case = { body?: object; status?: number; code?: string };
/** "METHOD /url" -> how to call it as Mallory with Alice's ids. */
const CASES: Record<string, Case> = {
  'GET /api/v1/writer/tasks/:taskId': {},
  'PATCH /api/v1/writer/tasks/:taskId': { body: { title: 'Mallory was here' } },
  'DELETE /api/v1/writer/tasks/:taskId': {},
  'POST /api/v1/writer/tasks/:taskId/generate': { body: {} },
  'GET /api/v1/writer/tasks/:taskId/content': {},
  'GET /api/v1/writer/contents/:contentId': {},
  'GET /api/v1/writer/contents/:contentId/versions': {},
  'GET /api/v1/writer/contents/:contentId/versions/:number': {},
  'GET /api/v1/writer/contents/:contentId/diff': {},
  'PATCH /api/v1/writer/contents/:contentId': { body: { baseVersion: 1, title: 'Mallory was here' } },
  'POST /api/v1/writer/contents/:contentId/restore': { body: { version: 1 } },
  'POST /api/v1/writer/contents/:contentId/sections/:index/regenerate': {},
  'POST /api/v1/writer/contents/:contentId/approve': { body: {} },
  'POST /api/v1/writer/contents/:contentId/images/generate': { body: {} },
  'GET /api/v1/writer/contents/:contentId/images': {},
  'GET /api/v1/writer/images/:imageId': {},
  'GET /api/v1/writer/images/:imageId/file': {},
  'PATCH /api/v1/writer/images/:imageId': { body: { altText: 'Mallory was here' } },
  'POST /api/v1/writer/images/:imageId/regenerate': { body: {} },
  'GET /api/v1/writer/editor-images/:editorImageId': {},
  'GET /api/v1/writer/editor-images/:editorImageId/file': {},
  'POST /api/v1/publisher/contents/:contentId/publish': { body: { status: 'draft' } },
  'POST /api/v1/publisher/contents/:contentId/unpublish': {},
  'GET /api/v1/publisher/contents/:contentId/publication': {},
  'PATCH /api/v1/members/:userId': { body: { role: 'viewer' } },
  'DELETE /api/v1/members/:userId': {},
  'DELETE /api/v1/invitations/:invitationId': {},
  'POST /api/v1/invitations/:invitationId/resend': {},
  'DELETE /api/v1/api-keys/:apiKeyId': {},
  'DELETE /api/v1/connection-keys/:connectionKeyId': {},
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
  'POST /api/v1/ai/credentials/:credentialId/test': {},
  'PATCH /api/v1/ai/models/:modelId': { body: { active: false }, status: 403, code: 'OPERATOR_REQUIRED' },
  'PUT /api/v1/ai/defaults/:function': {
    body: { modelId: '00000000-0000-4000-8000-000000000000' },
    status: 403,
    code: 'OPERATOR_REQUIRED',
  },
  'GET /api/v1/jobs/:jobId': {},
  'GET /api/v1/sites/:siteId/automation': {},
  'PUT /api/v1/sites/:siteId/automation': { body: { autoPublish: true } },
  'POST /api/v1/sites/:siteId/automation/runs': {},
  'GET /api/v1/sites/:siteId/automation/runs': {},
  'GET /api/v1/sites/:siteId/automation/review': {},
  'POST /api/v1/sites/:siteId/automation/review/publish': { body: { contentIds: ['{contentId}'] } },
  'GET /api/v1/automation/runs/:runId': {},
  'POST /api/v1/automation/runs/:runId/pause': {},
  'POST /api/v1/automation/runs/:runId/resume': {},
  'POST /api/v1/automation/runs/:runId/cancel': {},
  'POST /api/v1/jobs/:jobId/cancel': {},
  'POST /api/v1/jobs/:jobId/retry': {},
  'POST /api/v1/planner/imports/:importId/mapping': { body: { mapping: { keyword: 'Keyword' } } },
  'GET /api/v1/planner/imports/:importId': {},
  'GET /api/v1/planner/imports/:importId/errors': {},
  'GET /api/v1/planner/imports/:importId/errors.csv': {},
  'PATCH /api/v1/planner/keywords/:keywordId': { body: { volume: 1 } },
  'DELETE /api/v1/planner/keywords/:keywordId': {},
  'POST /api/v1/planner/sites/:siteId/posts/sync': {},
  'GET /api/v1/planner/sites/:siteId/posts': {},
  'GET /api/v1/planner/clusters/:clusterId': {},
  'PATCH /api/v1/planner/clusters/:clusterId': { body: { name: 'Pwned' } },
  'POST /api/v1/planner/clusters/:clusterId/split': { body: { keywordIds: ['{keywordId}'] } },
  'POST /api/v1/planner/clusters/:clusterId/keywords': { body: { keywordIds: ['{keywordId}'] } },
  'DELETE /api/v1/planner/clusters/:clusterId': {},
  'POST /api/v1/planner/clusters/:clusterId/ideas/generate': { body: { count: 1 } },
  'GET /api/v1/planner/ideas/:ideaId': {},
  'PATCH /api/v1/planner/ideas/:ideaId': { body: { title: 'Pwned idea title' } },
  'POST /api/v1/planner/ideas/:ideaId/approve': {},
  'POST /api/v1/planner/ideas/:ideaId/reject': {},
  'DELETE /api/v1/planner/ideas/:ideaId': {},
};

/**
 * Planner routes without a path parameter name Alice's resources in the query or the body: each must answer 404
 * too. Every planner route must appear here or in CASES.
 */
const BODY_CASES: Record<string, Case> = {
  'POST /api/v1/auth/switch-account': { body: { accountId: '{accountId}' } },
  'GET /api/v1/ai/prompts/diff?function=generate_ideas&from=default&to=1': {},
  'GET /api/v1/writer/tasks?siteId={siteId}': {},
  'GET /api/v1/publisher/publications?siteId={siteId}': {},
  'GET /api/v1/sites/overview?siteId={siteId}': {},
  'POST /api/v1/sites/bulk': { body: { action: 'check_connection', siteIds: ['{siteId}'] } },
  'GET /api/v1/jobs?siteId={siteId}': {},
  'GET /api/v1/billing/usage?siteId={siteId}': {},
  'GET /api/v1/billing/transactions?siteId={siteId}': {},
  'GET /api/v1/billing/transactions.csv?siteId={siteId}': {},
  'GET /api/v1/billing/usage/daily?siteId={siteId}': {},
  'POST /api/v1/writer/tasks': {
    body: { siteId: '{siteId}', sectorId: '{sectorId}', title: 'A stolen site task', primaryKeyword: 'x' },
  },
  'POST /api/v1/writer/estimate': {
    body: { siteId: '{siteId}', title: 'A stolen site estimate', primaryKeyword: 'x' },
  },
  'POST /api/v1/writer/blocks/estimate': {
    body: { siteId: '{siteId}', mode: 'improve', blockName: 'core/paragraph', html: '<p>Stolen words.</p>' },
  },
  'POST /api/v1/writer/blocks/rewrite': {
    body: { siteId: '{siteId}', mode: 'improve', blockName: 'core/paragraph', html: '<p>Stolen words.</p>' },
  },
  'POST /api/v1/writer/editor-images/estimate': { body: { siteId: '{siteId}', prompt: 'A stolen image' } },
  'POST /api/v1/writer/editor-images': { body: { siteId: '{siteId}', prompt: 'A stolen image' } },
  'GET /api/v1/planner/keywords?siteId={siteId}': {},
  'GET /api/v1/planner/keywords/count?siteId={siteId}': {},
  'GET /api/v1/planner/keywords/export.csv?siteId={siteId}': {},
  'POST /api/v1/planner/keywords': {
    body: { siteId: '{siteId}', sectorId: '{sectorId}', keywords: [{ keyword: 'injected' }] },
  },
  'POST /api/v1/planner/keywords/bulk': { body: { siteId: '{siteId}', action: 'delete', keywordIds: ['{keywordId}'] } },
  'POST /api/v1/planner/keywords/import': { body: { siteId: '{siteId}', sectorId: '{sectorId}', text: 'injected' } },
  'GET /api/v1/planner/imports?siteId={siteId}': {},
  'POST /api/v1/planner/clusters/run': { body: { siteId: '{siteId}', sectorId: '{sectorId}', method: 'lexical' } },
  'GET /api/v1/planner/clusters?siteId={siteId}': {},
  'POST /api/v1/planner/clusters/merge': { body: { clusterIds: ['{clusterId}', '{otherClusterId}'] } },
  'GET /api/v1/planner/ideas?siteId={siteId}': {},
  'POST /api/v1/planner/ideas': {
    body: {
      clusterId: '{clusterId}',
      title: 'Injected idea',
      contentType: 'guide',
      primaryKeyword: 'apple pie',
      intent: 'informational',
    },
  },
  'POST /api/v1/planner/ideas/convert': { body: { ideaIds: ['{ideaId}'] } },
  'GET /api/v1/planner/tasks?siteId={siteId}': {},
};

/** Replaces "{name}" in a body with Alice's id of that name. */
function fillBody(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(/\{(\w+)\}/g, (_, name: string) => {
      const id = ids[name];
      if (!id) throw new Error(`no fixture id for {${name}}`);
      return id;
    });
  if (Array.isArray(value)) return value.map(fillBody);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillBody(v)]));
  return value;
}

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
        ...(testCase.body ? { payload: fillBody(testCase.body) as object } : {}),
      });
      expect(res.statusCode, res.body).toBe(testCase.status ?? 404);
      expect(res.json()).toMatchObject({ success: false, code: testCase.code ?? 'NOT_FOUND' });
    });
  }

  it('has a case for every planner, writer and publisher route', () => {
    const covered = new Set([...Object.keys(CASES), ...Object.keys(BODY_CASES)].map((key) => key.split('?')[0]));
    const routes = t.app.routeCatalog
      .filter((r) => /^\/api\/v1\/(planner|writer|publisher)\//.test(r.url))
      .map((r) => `${r.method} ${r.url}`);
    expect(routes.filter((key) => !covered.has(key))).toEqual([]);
  });

  for (const [key, testCase] of Object.entries(BODY_CASES)) {
    it(`${key} answers 404 to another account naming Alice's ids`, async () => {
      const [method, url] = key.split(' ') as [string, string];
      const res = await t.app.inject({
        method: method as 'GET',
        url: fillBody(url) as string,
        headers: mallory.headers,
        ...(testCase.body ? { payload: fillBody(testCase.body) as object } : {}),
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
    const keywords = await t.db.prisma.keyword.findMany({ where: { accountId: alice.accountId } });
    expect(keywords.map((k) => [k.normalized, k.volume, k.clusterId]).sort()).toEqual(
      [
        ['apple pie', 10, ids.clusterId],
        ['pear tart', 10, ids.otherClusterId],
      ].sort(),
    );
    const clusters = await t.db.prisma.keywordCluster.findMany({ where: { accountId: alice.accountId } });
    expect(clusters.map((c) => c.name).sort()).toEqual(['apple pie', 'pear tart']);
    const idea = await t.db.prisma.contentIdea.findUniqueOrThrow({ where: { id: ids.ideaId! } });
    expect(idea).toMatchObject({ title: 'The best apple pie', status: 'new' });
    expect(await t.db.prisma.task.count({ where: { accountId: alice.accountId } })).toBe(1);
    expect(await t.db.prisma.task.findUniqueOrThrow({ where: { id: ids.taskId! } })).toMatchObject({
      title: 'The best apple pie',
      status: 'queued',
    });
    expect(await t.db.prisma.content.findUniqueOrThrow({ where: { id: ids.contentId! } })).toMatchObject({
      currentVersion: 1,
      approvedVersion: null,
    });
  });
});
