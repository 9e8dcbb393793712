import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { FakeSite } from '../helpers/fake-site.ts';
import { addMember, registerOwner, type Member } from '../helpers/users.ts';
import { siteWithSector } from '../planner/helpers.ts';
import { handTask, writerApi } from '../writer/helpers.ts';

/**
 * The agency view (GET /sites/overview: counts, search, filters, sort, pages), bulk actions on sites
 * (POST /sites/bulk) and the per-site monthly credit budget (PATCH /sites/:siteId, 402 SITE_BUDGET_EXCEEDED before a
 * run holds anything, the budget in the estimates). Runs on PostgreSQL and on the embedded database.
 */
let t: TestContext;
let fake: FakeAi;
let wp: FakeSite;
let owner: Member;

beforeAll(async () => {
  t = await createTestApp(FAKE_AI_ENV);
  fake = await startFakeAi();
  wp = await new FakeSite().start();
  owner = await registerOwner(t.app, 'Agency');
});
afterAll(async () => {
  await wp?.close();
  await fake?.close();
  await t?.close();
});

const call = (member: Member, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: member.headers, ...(payload ? { payload } : {}) });

/** Connects the fake WordPress site to the member's account; returns the site id. */
async function connectFakeSite(member: Member): Promise<string> {
  const key = (await call(member, 'POST', '/connection-keys')).json().data.key;
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/connect/register', payload: wp.registerBody(key) });
  expect(res.statusCode, res.body).toBe(201);
  wp.accept(res.json().data);
  return res.json().data.siteId;
}

describe('GET /sites/overview', () => {
  let connectedId: string;
  let plainId: string;

  beforeAll(async () => {
    connectedId = await connectFakeSite(owner);
    const plain = await siteWithSector(t, owner, 'Zeta');
    plainId = plain.siteId;
    await call(owner, 'PATCH', `/sites/${plainId}`, { name: 'Zeta recipes' });
    const sector = await t.db.prisma.sector
      .findFirstOrThrow({ where: { siteId: connectedId } })
      .catch(async () =>
        t.db.prisma.sector.create({ data: { accountId: owner.accountId, siteId: connectedId, name: 'Main' } }),
      );
    const owned = { accountId: owner.accountId, siteId: connectedId, sectorId: sector.id };
    for (const text of ['apple pie', 'pear tart', 'plum cake']) {
      await t.db.prisma.keyword.create({
        data: { ...owned, keyword: text, normalized: text, intent: 'informational', source: 'manual' },
      });
    }
    await t.db.prisma.keywordCluster.create({ data: { ...owned, name: 'Pies', method: 'manual' } });
    const idea = (status: 'new' | 'approved') =>
      t.db.prisma.contentIdea.create({
        data: {
          ...owned,
          title: `Idea ${status}`,
          contentType: 'guide',
          primaryKeyword: 'apple pie',
          intent: 'informational',
          targetWordCount: 800,
          status,
        },
      });
    await idea('new');
    await idea('new');
    await idea('approved');
    const task = (status: 'written' | 'review' | 'published' | 'queued') =>
      t.db.prisma.task.create({
        data: { ...owned, title: `Task ${status}`, primaryKeyword: 'apple pie', targetWordCount: 800, status },
      });
    await task('written');
    await task('review');
    await task('queued');
    const published = await task('published');
    const content = await t.db.prisma.content.create({
      data: { accountId: owner.accountId, siteId: connectedId, taskId: published.id, language: 'en' },
    });
    const publishedAt = new Date();
    await t.db.prisma.publication.create({
      data: {
        accountId: owner.accountId,
        siteId: connectedId,
        contentId: content.id,
        status: 'published',
        requestedStatus: 'publish',
        postId: 42,
        url: `${wp.url}/apple-pie/`,
        publishedAt,
      },
    });
    // Credits: 7 used of a hold of 10 (3 released), and a hold of 5 still open.
    const billing = t.services.billing;
    await billing.grant(owner.accountId, 100, 'test credits', owner.userId);
    const used = await billing.hold({
      accountId: owner.accountId,
      amount: 10,
      operation: 'generate_content',
      siteId: connectedId,
    });
    await billing.settle(used.id, { captured: 7 });
    await billing.hold({ accountId: owner.accountId, amount: 5, operation: 'generate_images', siteId: connectedId });
    const failed = (createdAt: Date) =>
      t.db.prisma.jobRun.create({
        data: {
          id: crypto.randomUUID(),
          accountId: owner.accountId,
          siteId: connectedId,
          type: 'writer.generate_content',
          status: 'failed',
          createdAt,
        },
      });
    await failed(new Date());
    await failed(new Date(Date.now() - 40 * 86_400_000)); // too old to count
  });

  it('answers one row per site with its connection, versions, pipeline counts, credits and failures', async () => {
    const res = await call(owner, 'GET', '/sites/overview');
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json().data;
    expect(page).toMatchObject({ total: 2, page: 1, perPage: 25, totalPages: 1 });
    const connected = page.items.find((s: { id: string }) => s.id === connectedId);
    expect(connected).toMatchObject({
      name: 'Fake Blog',
      connectionState: 'connected',
      health: 'ok',
      wpVersion: '6.1.9',
      pluginVersion: '0.1.0',
      keywords: 3,
      clusters: 1,
      ideasToReview: 2,
      drafts: 2,
      publishedThisMonth: 1,
      creditsThisMonth: 7,
      monthlyCreditBudget: null,
      budgetRemaining: null,
      failedJobs: 1,
    });
    expect(connected.lastPublishedAt).toEqual(expect.any(String));
    expect(connected.lastContactAt).toEqual(expect.any(String));
    const plain = page.items.find((s: { id: string }) => s.id === plainId);
    expect(plain).toMatchObject({
      connectionState: 'never',
      health: null,
      keywords: 0,
      drafts: 0,
      creditsThisMonth: 0,
      failedJobs: 0,
      lastPublishedAt: null,
    });
  });

  it('searches, filters, sorts and pages on the server', async () => {
    const names = async (query: string) => {
      const res = await call(owner, 'GET', `/sites/overview?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return { names: res.json().data.items.map((s: { name: string }) => s.name), page: res.json().data };
    };
    expect((await names('q=zeta')).names).toEqual(['Zeta recipes']);
    expect((await names(`q=${encodeURIComponent('127.0.0.1')}`)).names).toEqual(['Fake Blog']);
    expect((await names('q=%25')).names).toEqual([]); // % is a character, not a wildcard
    expect((await names('health=ok')).names).toEqual(['Fake Blog']);
    expect((await names('health=error,unreachable')).names).toEqual([]);
    expect((await names('connection=never')).names).toEqual(['Zeta recipes']);
    expect((await names('connection=connected,never')).names).toHaveLength(2);
    expect((await names('hasFailedJobs=true')).names).toEqual(['Fake Blog']);
    expect((await names('hasFailedJobs=false')).names).toEqual(['Zeta recipes']);
    expect((await names('sort=keywords&order=desc')).names).toEqual(['Fake Blog', 'Zeta recipes']);
    expect((await names('sort=name&order=desc')).names).toEqual(['Zeta recipes', 'Fake Blog']);
    const second = await names('sort=name&perPage=1&page=2');
    expect(second.names).toEqual(['Zeta recipes']);
    expect(second.page).toMatchObject({ total: 2, totalPages: 2, page: 2 });
    expect((await names(`siteId=${plainId}`)).names).toEqual(['Zeta recipes']);
    const past = await names('perPage=1&page=9');
    expect(past.names).toEqual([]);
    expect(past.page.total).toBe(2);
  });

  it('names a bad filter in the product’s words', async () => {
    const res = await call(owner, 'GET', '/sites/overview?health=sick&sort=mood');
    expect(res.statusCode).toBe(422);
    const fields = res
      .json()
      .details.fields.map((f: { field: string }) => f.field)
      .sort();
    expect(fields).toEqual(['health.0', 'sort']);
    expect(res.json().error).toContain('health.0: must be one or more of ok, unknown, unreachable, error');
  });

  it('shows another account none of these sites', async () => {
    const mallory = await registerOwner(t.app, 'Mallory');
    const res = await call(mallory, 'GET', '/sites/overview');
    expect(res.json().data).toMatchObject({ items: [], total: 0 });
  });

  it('POST /sites/bulk checks connections, one result per site in the product’s words', async () => {
    const res = await call(owner, 'POST', '/sites/bulk', {
      action: 'check_connection',
      siteIds: [connectedId, plainId],
    });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({ action: 'check_connection', succeeded: 1, failed: 1 });
    expect(data.results[0]).toMatchObject({ siteId: connectedId, ok: true, health: 'ok' });
    expect(data.results[0].message).toContain('healthy');
    expect(data.results[1]).toMatchObject({ siteId: plainId, ok: false });
    expect(data.results[1].message).toBe(
      '"Zeta recipes" is not connected: connect it from its wp-admin (IGNY8 > Connection > Connect to IGNY8).',
    );
    expect(wp.received.some((r) => r.path === '/wp-json/igny8/v1/status' && r.signed)).toBe(true);
  });

  it('POST /sites/bulk refuses a viewer, an editor disconnecting, and another account’s site (404, nothing done)', async () => {
    const viewer = await addMember(t.app, owner, 'viewer');
    const refused = await call(viewer, 'POST', '/sites/bulk', { action: 'disconnect', siteIds: [connectedId] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('ROLE_REQUIRED');
    const viewerCheck = await call(viewer, 'POST', '/sites/bulk', {
      action: 'check_connection',
      siteIds: [connectedId],
    });
    expect(viewerCheck.statusCode).toBe(403);
    const editor = await addMember(t.app, owner, 'editor');
    const editorDisconnect = await call(editor, 'POST', '/sites/bulk', {
      action: 'disconnect',
      siteIds: [connectedId],
    });
    expect(editorDisconnect.statusCode).toBe(403);
    expect(editorDisconnect.json().error).toContain('admin');

    const mallory = await registerOwner(t.app, 'Mallory');
    const mallorySite = await siteWithSector(t, mallory, 'Mallory');
    const cross = await call(owner, 'POST', '/sites/bulk', {
      action: 'disconnect',
      siteIds: [connectedId, mallorySite.siteId],
    });
    expect(cross.statusCode).toBe(404);
    expect(cross.json()).toMatchObject({ code: 'NOT_FOUND', error: `Site ${mallorySite.siteId} was not found.` });
    const connection = await t.db.prisma.siteConnection.findUniqueOrThrow({ where: { siteId: connectedId } });
    expect(connection.status).toBe('connected');
  });

  it('POST /sites/bulk disconnects the chosen sites and tells each one', async () => {
    const res = await call(owner, 'POST', '/sites/bulk', { action: 'disconnect', siteIds: [connectedId, plainId] });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({ succeeded: 1, failed: 1 });
    expect(data.results[0]).toMatchObject({ ok: true, message: '"Fake Blog" is disconnected.' });
    expect(wp.received.some((r) => r.path === '/wp-json/igny8/v1/disconnect' && r.signed)).toBe(true);
    const overview = await call(owner, 'GET', '/sites/overview?connection=disconnected');
    expect(overview.json().data.items.map((s: { id: string }) => s.id)).toEqual([connectedId]);
  });
});

describe('monthly credit budget of a site', () => {
  it('is set by admins and owners (not editors), validated, and shown on the site', async () => {
    const { siteId } = await siteWithSector(t, owner, 'Budgeted');
    const set = await call(owner, 'PATCH', `/sites/${siteId}`, { monthlyCreditBudget: 500 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().data.monthlyCreditBudget).toBe(500);
    const editor = await addMember(t.app, owner, 'editor');
    const refused = await call(editor, 'PATCH', `/sites/${siteId}`, { monthlyCreditBudget: 5000 });
    expect(refused.statusCode).toBe(403);
    const bad = await call(owner, 'PATCH', `/sites/${siteId}`, { monthlyCreditBudget: -1 });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.fields[0]).toMatchObject({ field: 'monthlyCreditBudget' });
    const cleared = await call(owner, 'PATCH', `/sites/${siteId}`, { monthlyCreditBudget: null });
    expect(cleared.json().data.monthlyCreditBudget).toBeNull();
  });

  it('stops a run that would pass it with 402 naming the site, its budget and what is left, holding nothing', async () => {
    const api = writerApi(t);
    const member = await memberWithFakeAi(t, fake, 1_000_000);
    const { task, siteId } = await handTask(t, member);
    await call(member, 'PATCH', `/sites/${siteId}`, { name: 'Trail Blog' });

    // No budget: the estimate says nothing of one.
    const body = { siteId, title: 'How to choose trail running shoes', primaryKeyword: 'trail running shoes' };
    const free = await api(member, 'POST', '/estimate', body);
    expect(free.statusCode, free.body).toBe(200);
    expect(free.json().data.siteBudget).toBeUndefined();

    await call(member, 'PATCH', `/sites/${siteId}`, { monthlyCreditBudget: 1 });
    const estimate = await api(member, 'POST', '/estimate', body);
    expect(estimate.json().data.siteBudget).toEqual({
      siteId,
      siteName: 'Trail Blog',
      budget: 1,
      used: 0,
      reserved: 0,
      remaining: 1,
    });

    const balance = async () => (await call(member, 'GET', '/billing/balance')).json().data.balance;
    const before = await balance();
    const refused = await api(member, 'POST', `/tasks/${task.id}/generate`, {});
    expect(refused.statusCode, refused.body).toBe(402);
    const error = refused.json();
    expect(error.code).toBe('SITE_BUDGET_EXCEEDED');
    expect(error.error).toMatch(/the site "Trail Blog" has a monthly budget of 1 credits and 1 are left this month/);
    expect(error.details).toMatchObject({ siteId, budget: 1, remaining: 1 });
    expect(error.details.needed).toBeGreaterThan(1);
    expect(await balance()).toBe(before);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: member.accountId } })).toBe(0);
    expect(await t.db.prisma.jobRun.count({ where: { accountId: member.accountId } })).toBe(0);

    // A budget that covers the run: it starts, and what it holds counts against the month.
    await call(member, 'PATCH', `/sites/${siteId}`, { monthlyCreditBudget: error.details.needed + 10 });
    const started = await api(member, 'POST', `/tasks/${task.id}/generate`, {});
    expect(started.statusCode, started.body).toBe(202);
    const after = await api(member, 'POST', '/estimate', body);
    expect(after.json().data.siteBudget).toMatchObject({ reserved: error.details.needed, remaining: 10 });
    const overview = await call(member, 'GET', '/sites/overview');
    expect(overview.json().data.items[0]).toMatchObject({
      monthlyCreditBudget: error.details.needed + 10,
      budgetRemaining: 10,
    });
  });

  it('counts only this month: what a site used last month does not stop it now', async () => {
    const member = await memberWithFakeAi(t, fake, 1_000);
    const { siteId } = await siteWithSector(t, member, 'Monthly');
    await call(member, 'PATCH', `/sites/${siteId}`, { monthlyCreditBudget: 20 });
    const billing = t.services.billing;
    const old = await billing.hold({ accountId: member.accountId, amount: 15, operation: 'generate_content', siteId });
    await billing.settle(old.id, { captured: 15 });
    await t.db.prisma.creditLedgerEntry.updateMany({
      where: { holdId: old.id },
      data: { createdAt: new Date(Date.now() - 40 * 86_400_000) },
    });
    // 15 used last month: 20 are left now; 18 more this month leaves 2, and 3 is refused.
    const hold = await billing.hold({ accountId: member.accountId, amount: 18, operation: 'generate_content', siteId });
    await billing.settle(hold.id, { captured: 18 });
    await expect(
      billing.hold({ accountId: member.accountId, amount: 3, operation: 'generate_content', siteId }),
    ).rejects.toMatchObject({ code: 'SITE_BUDGET_EXCEEDED', details: { remaining: 2, needed: 3 } });
    const ok = await billing.hold({ accountId: member.accountId, amount: 2, operation: 'generate_content', siteId });
    expect(ok.amount).toBe(2);
  });
});
