import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TAutomationRun } from '@igny8/shared';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually } from '../helpers/processes.ts';
import type { Member } from '../helpers/users.ts';
import { createPlace, type Place } from '../planner/import/helpers.ts';
import { apiOf, importKeywords, KEYWORDS, ledgerCaptures, QUICK, runUntil, stage, startWorker } from './helpers.ts';

/**
 * Automation runs with a real in-process worker and the fake AI provider: every stage up to the review queue, the
 * run's credits equal to the ledger's captures, settings refused with the field named, a schedule (per-second cron
 * in tests) starting runs by itself, and every route kept to its account. On PostgreSQL, and on the embedded
 * database (TEST_DB_MODE=embedded, in the test:embedded lane). controls.test.ts covers how runs stop.
 */
let t: TestContext;
let fake: FakeAi;
let worker: JobWorker;
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(t)(...args);

beforeAll(async () => {
  fake = await startFakeAi();
  t = await createTestApp({
    ...FAKE_AI_ENV,
    AUTOMATION_POLL_MS: '100',
    AUTOMATION_MIN_INTERVAL_SECONDS: '1',
    SCHEDULER_CHECK_SECONDS: '1',
  });
  worker = await startWorker(t);
}, 120_000);
beforeEach(() => fake.reset());
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await fake?.close();
});

async function site(credits = 20_000, keywords = KEYWORDS): Promise<Place> {
  const member = await memberWithFakeAi(t, fake, credits);
  const place = await createPlace(t, member, `Outdoor${Math.floor(Math.random() * 1e6)}`);
  if (keywords.length) await importKeywords(t, member, place.siteId, place.sectorId, keywords);
  return place;
}

const configure = (p: Place, patch: object) => api(p.member, 'PUT', `/sites/${p.siteId}/automation`, patch);
const start = (p: Place) => api(p.member, 'POST', `/sites/${p.siteId}/automation/runs`);

describe('a run', () => {
  it('takes new keywords through every stage to the review queue, and reports what the ledger captured', async () => {
    const p = await site();
    const balanceBefore = (await api(p.member, 'GET', '/billing/balance')).body.data.balance;
    expect((await configure(p, QUICK)).status).toBe(200);
    const started = await start(p);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.data.stages.map((s: { stage: string }) => s.stage)).toEqual([
      'cluster',
      'ideas',
      'tasks',
      'articles',
      'image_prompts',
      'images',
      'publish',
    ]);
    const run = await runUntil(t, p.member, started.body.data.id);
    expect(run.stopReason, run.stopDetail ?? '').toBe('done');
    expect(stage(run, 'cluster').in).toBe(20);
    expect(stage(run, 'cluster').out).toBeGreaterThanOrEqual(4);
    // Four clusters get one idea each (the ideas job drops a title the site already has, which two jobs at once may
    // or may not see), and every idea goes all the way: task, article, featured + 1 inline image, review queue.
    const ideas = stage(run, 'ideas').out;
    expect(stage(run, 'ideas').in).toBe(4);
    expect(ideas).toBeGreaterThanOrEqual(3);
    expect(ideas).toBe(await t.db.prisma.contentIdea.count({ where: { siteId: p.siteId } }));
    expect(stage(run, 'tasks').out).toBe(ideas);
    expect(stage(run, 'articles').out).toBe(ideas);
    expect(stage(run, 'image_prompts').out).toBe(2 * ideas);
    expect(stage(run, 'images').out).toBe(2 * ideas);
    expect(stage(run, 'publish').out).toBe(ideas);
    expect(run.stages.every((s) => s.failed === 0 && s.running === 0)).toBe(true);
    expect(run.creditsHeld).toBe(0);
    expect(run.creditsUsed).toBeGreaterThan(0);
    expect(run.creditsUsed).toBe(await ledgerCaptures(t, run.id));
    const balanceAfter = (await api(p.member, 'GET', '/billing/balance')).body.data.balance;
    expect(balanceBefore - balanceAfter).toBe(run.creditsUsed);

    const review = await api(p.member, 'GET', `/sites/${p.siteId}/automation/review`);
    expect(review.body.data.items).toHaveLength(ideas);
    expect(review.body.data.items[0]).toMatchObject({ imageCount: 2 });
    const state = (await api(p.member, 'GET', `/sites/${p.siteId}/automation`)).body.data;
    expect(state).toMatchObject({ activeRun: null, reviewCount: ideas, creditsThisMonth: run.creditsUsed });
    expect(state.lastRun.id).toBe(run.id);

    // The driver is an ordinary job: listed with the site's jobs, succeeded.
    const driver = (await api(p.member, 'GET', `/jobs/${run.jobId}`)).body.data;
    expect(driver).toMatchObject({ type: 'automation.run', status: 'succeeded' });

    // The next run takes what is still waiting (the other clusters), and never a subject twice.
    const second = await runUntil(t, p.member, (await start(p)).body.data.id);
    expect(second.stopReason).toBe('done');
    expect(stage(second, 'cluster').in).toBe(0);
    const subjects = await t.db.prisma.automationItem.findMany({ where: { siteId: p.siteId, stage: 'ideas' } });
    expect(new Set(subjects.map((s) => s.subjectId)).size).toBe(subjects.length);
    const tasks = await t.db.prisma.task.count({ where: { siteId: p.siteId } });
    expect(tasks).toBe(await t.db.prisma.contentIdea.count({ where: { siteId: p.siteId } }));
  }, 180_000);
});

describe('settings and schedule', () => {
  it('refuses bad settings naming the field, and saves nothing', async () => {
    const p = await site(0, []);
    const bad = await configure(p, {
      batchSizes: { articles: 0 },
      cadence: { time: '25:00' },
      sectorOverrides: { '00000000-0000-4000-8000-000000000000': { autoPublish: true } },
    });
    expect(bad.status).toBe(422);
    const fields = bad.body.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['batchSizes.articles', 'cadence.time']));
    const unknownSector = await configure(p, {
      sectorOverrides: { '00000000-0000-4000-8000-000000000000': { autoPublish: true } },
    });
    expect(unknownSector.status).toBe(422);
    expect(unknownSector.body.details.fields[0].field).toBe('sectorOverrides.00000000-0000-4000-8000-000000000000');
    const cron = await configure(p, { schedule: { enabled: true, frequency: 'custom', cron: 'every day' } });
    expect(cron.status).toBe(422);
    expect(cron.body.details.fields[0].field).toBe('schedule.cron');
    const caps = await configure(p, { runCreditCap: 500, monthlyCreditCap: 100 });
    expect(caps.status).toBe(422);
    expect(caps.body.details.fields[0].field).toBe('runCreditCap');
    const state = (await api(p.member, 'GET', `/sites/${p.siteId}/automation`)).body.data;
    expect(state.settings.batchSizes.articles).toBe(5);
    expect(state.settings.runCreditCap).toBeNull();
  });

  it('starts runs on the schedule in the site time zone', async () => {
    const p = await site(20_000, []);
    const daily = await configure(p, { schedule: { enabled: true, frequency: 'daily', time: '06:00' } });
    expect(daily.status).toBe(200);
    expect(daily.body.data.nextRunAt).toMatch(/T06:00:00/); // the site is in UTC
    await configure(p, { schedule: { enabled: true, frequency: 'custom', cron: '*/2 * * * * *' } });
    const runs = await eventually(async () => {
      const list = (await api(p.member, 'GET', `/sites/${p.siteId}/automation/runs`)).body.data.items;
      return list.length >= 1 ? list : undefined;
    }, 60_000);
    expect(runs.every((r: TAutomationRun) => r.trigger === 'schedule')).toBe(true);
    expect(runs[0].stopReason ?? 'running').toMatch(/nothing_to_do|running/);
    await configure(p, { schedule: { enabled: false } });
    const schedules = await t.queue.boss.getSchedules('automation.scheduled', p.siteId);
    expect(schedules).toHaveLength(0);
  }, 90_000);
});

describe('tenancy', () => {
  it('keeps every route to the account', async () => {
    const p = await site(20_000, []);
    await configure(p, QUICK);
    const run = await runUntil(t, p.member, (await start(p)).body.data.id);
    const other: Member = await memberWithFakeAi(t, fake, 0);
    for (const [method, url] of [
      ['GET', `/sites/${p.siteId}/automation`],
      ['PUT', `/sites/${p.siteId}/automation`],
      ['POST', `/sites/${p.siteId}/automation/runs`],
      ['GET', `/sites/${p.siteId}/automation/runs`],
      ['GET', `/sites/${p.siteId}/automation/review`],
      ['GET', `/automation/runs/${run.id}`],
      ['POST', `/automation/runs/${run.id}/pause`],
      ['POST', `/automation/runs/${run.id}/resume`],
      ['POST', `/automation/runs/${run.id}/cancel`],
    ] as const) {
      const res = await api(other, method, url, method === 'GET' ? undefined : method === 'PUT' ? QUICK : {});
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    const list = await api(other, 'GET', '/automation/runs');
    expect(list.body.data.items).toEqual([]);
    const review = await api(other, 'POST', `/sites/${p.siteId}/automation/review/publish`, {
      contentIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(review.status).toBe(404);
  }, 60_000);
});
