import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { FakeSite } from '../helpers/fake-site.ts';
import { addMember, createApiKey, registerOwner, type Member } from '../helpers/users.ts';
import { siteWithSector } from '../planner/helpers.ts';

/**
 * Automation in the agency view: the overview's automation fields (the schedule's switch, the run in progress, why
 * the last ended run stopped), read in its one query; and the bulk actions automation_start and automation_pause
 * (a result per site; another account's site is a not-found result of its own while the others go ahead).
 */
let t: TestContext;
let wp: FakeSite;
let owner: Member;
let connectedId: string;
let plainId: string;

beforeAll(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
  wp = await new FakeSite().start();
  owner = await registerOwner(t.app, 'Automation Agency');
  const key = (await call(owner, 'POST', '/connection-keys')).json().data.key;
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/connect/register', payload: wp.registerBody(key) });
  expect(res.statusCode, res.body).toBe(201);
  wp.accept(res.json().data);
  connectedId = res.json().data.siteId;
  plainId = (await siteWithSector(t, owner, 'Plain')).siteId;
});
afterAll(async () => {
  await wp?.close();
  await t?.close();
});

function call(member: Member, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: member.headers, ...(payload ? { payload } : {}) });
}

async function overviewRow(siteId: string) {
  const res = await call(owner, 'GET', `/sites/overview?siteId=${siteId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data.items[0];
}

/** A run of the site written straight to the table (the overview only reads it). */
function insertRun(
  siteId: string,
  fields: { status: 'queued' | 'running' | 'paused' | 'ended'; stopReason?: string; at: Date; endedAt?: Date },
) {
  return t.db.prisma.automationRun.create({
    data: {
      id: crypto.randomUUID(),
      accountId: owner.accountId,
      siteId,
      trigger: 'manual',
      status: fields.status,
      stopReason: fields.stopReason ?? null,
      settings: {},
      createdAt: fields.at,
      endedAt: fields.endedAt ?? null,
    },
  });
}

describe('GET /sites/overview: automation', () => {
  it('is off with no run for a site that never had automation', async () => {
    expect((await overviewRow(plainId)).automation).toEqual({
      scheduleEnabled: false,
      activeRunStatus: null,
      lastStopReason: null,
      lastEndedAt: null,
    });
  });

  it('shows the schedule, the run in progress, and why the newest ended run stopped', async () => {
    const put = await call(owner, 'PUT', `/sites/${plainId}/automation`, { schedule: { enabled: true } });
    expect(put.statusCode, put.body).toBe(200);
    const day = (n: number) => new Date(Date.UTC(2026, 10, n, 6));
    await insertRun(plainId, { status: 'ended', stopReason: 'credits_exhausted', at: day(1), endedAt: day(1) });
    await insertRun(plainId, { status: 'ended', stopReason: 'done', at: day(2), endedAt: day(2) });
    expect((await overviewRow(plainId)).automation).toEqual({
      scheduleEnabled: true,
      activeRunStatus: null,
      lastStopReason: 'done',
      lastEndedAt: day(2).toISOString(),
    });

    // A run in progress shows its status; the last ended run's reason stays.
    const active = await insertRun(plainId, { status: 'running', at: day(3) });
    const row = await overviewRow(plainId);
    expect(row.automation).toMatchObject({ activeRunStatus: 'running', lastStopReason: 'done' });
    await t.db.prisma.automationRun.delete({ where: { id: active.id } });
  });

  it('keeps the overview one page of one query: every row carries its automation', async () => {
    const res = await call(owner, 'GET', '/sites/overview?sort=name');
    const items = res.json().data.items as Array<{ id: string; automation: { scheduleEnabled: boolean } }>;
    expect(items.map((s) => [s.id, s.automation.scheduleEnabled])).toEqual(
      expect.arrayContaining([
        [connectedId, false],
        [plainId, true],
      ]),
    );
  });
});

describe('POST /sites/bulk: automation_start and automation_pause', () => {
  it('starts a run on each chosen site; another account’s site gets a not-found result, the others go ahead', async () => {
    const mallory = await registerOwner(t.app, 'Mallory');
    const mallorySite = await siteWithSector(t, mallory, 'Mallory');
    const res = await call(owner, 'POST', '/sites/bulk', {
      action: 'automation_start',
      siteIds: [connectedId, mallorySite.siteId],
    });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({ action: 'automation_start', succeeded: 1, failed: 1 });
    expect(data.results[0]).toMatchObject({
      siteId: connectedId,
      ok: true,
      message: 'Automation started on "Fake Blog".',
    });
    const run = await t.db.prisma.automationRun.findFirstOrThrow({
      where: { siteId: connectedId, status: { not: 'ended' } },
    });
    expect(data.results[0].runId).toBe(run.id);
    expect(run.trigger).toBe('manual');
    expect(data.results[1]).toEqual({
      siteId: mallorySite.siteId,
      name: mallorySite.siteId,
      ok: false,
      message: `Site ${mallorySite.siteId} was not found in this account; nothing was done to it.`,
    });
    // Nothing was started on the other account's site.
    expect(await t.db.prisma.automationRun.count({ where: { siteId: mallorySite.siteId } })).toBe(0);
    expect((await overviewRow(connectedId)).automation.activeRunStatus).toMatch(/^(queued|running)$/);
  });

  it('refuses to start a second run where one is in progress, in the site’s own result', async () => {
    const res = await call(owner, 'POST', '/sites/bulk', { action: 'automation_start', siteIds: [connectedId] });
    expect(res.statusCode, res.body).toBe(200);
    const [result] = res.json().data.results;
    expect(result).toMatchObject({ siteId: connectedId, ok: false });
    expect(result.message).toEqual(expect.any(String));
    expect(await t.db.prisma.automationRun.count({ where: { siteId: connectedId } })).toBe(1);
  });

  it('pauses the run in progress; a site with none says so', async () => {
    const res = await call(owner, 'POST', '/sites/bulk', {
      action: 'automation_pause',
      siteIds: [connectedId, plainId],
    });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data).toMatchObject({ action: 'automation_pause', succeeded: 1, failed: 1 });
    expect(data.results[0]).toMatchObject({ siteId: connectedId, ok: true });
    expect(data.results[0].message).toBe('Automation on "Fake Blog" is pausing: items already started finish first.');
    const run = await t.db.prisma.automationRun.findUniqueOrThrow({ where: { id: data.results[0].runId } });
    expect(['pausing', 'paused']).toContain(run.status);
    expect(data.results[1]).toMatchObject({
      siteId: plainId,
      ok: false,
      message: '"Plain" has no run in progress to pause.',
    });
  });

  it('refuses a viewer, an editor (automation needs an admin, as its own routes), and an API key without automation:write', async () => {
    const viewer = await addMember(t.app, owner, 'viewer');
    const refused = await call(viewer, 'POST', '/sites/bulk', { action: 'automation_start', siteIds: [plainId] });
    expect(refused.statusCode).toBe(403);
    const editor = await addMember(t.app, owner, 'editor');
    for (const action of ['automation_start', 'automation_pause']) {
      const byEditor = await call(editor, 'POST', '/sites/bulk', { action, siteIds: [plainId] });
      expect(byEditor.statusCode, byEditor.body).toBe(403);
      expect(byEditor.json().code).toBe('ROLE_REQUIRED');
    }

    const sitesOnly = await createApiKey(t.app, owner, ['sites:write']);
    const byKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites/bulk',
      headers: { authorization: `Bearer ${sitesOnly}` },
      payload: { action: 'automation_start', siteIds: [plainId] },
    });
    expect(byKey.statusCode, byKey.body).toBe(403);
    expect(byKey.json()).toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
    expect(await t.db.prisma.automationRun.count({ where: { siteId: plainId, status: { not: 'ended' } } })).toBe(0);
  });
});
