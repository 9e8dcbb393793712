import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TAutomationRun } from '@igny8/shared';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually } from '../helpers/processes.ts';
import { createPlace, type Place } from '../planner/import/helpers.ts';
import { apiOf, importKeywords, KEYWORDS, ledgerCaptures, QUICK, runUntil, stage, startWorker } from './helpers.ts';

/**
 * How runs stop, with a real in-process worker and the fake AI provider: nothing to do, the stop-after stage, one
 * run per site, pause/resume, cancel giving holds back, the run and monthly caps stopping before the item that would
 * pass them, the provider's quota and the account's balance. (run.test.ts covers the stages, schedule and tenancy on
 * both databases.)
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
  it('says so when nothing waits, and stops after the stage the settings name', async () => {
    const p = await site(20_000, []);
    await configure(p, QUICK);
    expect((await runUntil(t, p.member, (await start(p)).body.data.id)).stopReason).toBe('nothing_to_do');
    const q = await site();
    await configure(q, { ...QUICK, stopAfter: 'ideas' });
    const run = await runUntil(t, q.member, (await start(q)).body.data.id);
    expect(run.stopReason).toBe('stopped_after_stage');
    expect(run.stopDetail).toContain('ideas');
    // Four clusters got ideas; what they made is what the site has (the ideas job drops a title the site already has,
    // which two jobs at once may or may not see).
    expect(stage(run, 'ideas').in).toBe(4);
    expect(stage(run, 'ideas').failed).toBe(0);
    expect(stage(run, 'ideas').out).toBe(await t.db.prisma.contentIdea.count({ where: { siteId: q.siteId } }));
    expect(stage(run, 'ideas').out).toBeGreaterThan(0);
    expect(stage(run, 'tasks')).toMatchObject({ status: 'skipped', in: 0 });
  }, 120_000);

  it('allows one run per site at a time, and pauses, resumes and cancels', async () => {
    const p = await site();
    await configure(p, QUICK);
    fake.setKnobs({ latencyMs: 150 });
    const first = (await start(p)).body.data as TAutomationRun;
    const again = await start(p);
    expect(again.status).toBe(409);
    expect(again.body.error).toContain(first.id);

    await runUntil(t, p.member, first.id, (r) => r.stages.some((s) => s.stage === 'ideas' && s.running > 0));
    expect((await api(p.member, 'POST', `/automation/runs/${first.id}/pause`)).status).toBe(200);
    const paused = await runUntil(t, p.member, first.id, (r) => r.status === 'paused');
    expect(paused.stopReason).toBe('paused');
    expect(paused.stages.every((s) => s.running === 0)).toBe(true);
    const resumeWrong = await api(p.member, 'POST', `/automation/runs/${first.id}/pause`);
    expect(resumeWrong.status).toBe(409);

    expect((await api(p.member, 'POST', `/automation/runs/${first.id}/resume`)).status).toBe(200);
    await runUntil(t, p.member, first.id, (r) => r.stages.some((s) => s.stage === 'articles' && s.running > 0));
    expect((await api(p.member, 'POST', `/automation/runs/${first.id}/cancel`)).status).toBe(200);
    const cancelled = await runUntil(t, p.member, first.id);
    expect(cancelled.stopReason).toBe('cancelled');
    // Every hold of the account is settled: cancelled work gave its credits back.
    await eventually(async () => {
      const open = await t.db.prisma.creditHold.count({ where: { accountId: p.member.accountId, status: 'open' } });
      return open === 0 ? true : undefined;
    }, 30_000);
    expect(cancelled.creditsUsed).toBe(await ledgerCaptures(t, cancelled.id));
    // A new run may start now.
    expect((await start(p)).status).toBe(202);
  }, 180_000);
});

describe('sector overrides', () => {
  it("leaves a turned-off sector alone and applies a sector's own ideas per cluster", async () => {
    const p = await site();
    const other = await api(p.member, 'POST', `/sites/${p.siteId}/sectors`, { name: 'Off' });
    expect(other.status).toBe(201);
    const off = other.body.data.id as string;
    await importKeywords(t, p.member, p.siteId, off, [
      'kayak paddles',
      'carbon kayak paddles',
      'kayak paddles for kids',
    ]);
    await configure(p, {
      ...QUICK,
      stopAfter: 'ideas',
      sectorOverrides: { [off]: { enabled: false }, [p.sectorId]: { ideasPerCluster: 2 } },
    });
    const run = await runUntil(t, p.member, (await start(p)).body.data.id);
    expect(run.stopReason).toBe('stopped_after_stage');
    expect(stage(run, 'cluster').in).toBe(20);
    // Two ideas per cluster (more than one each), and what the run counts is what the site has.
    expect(stage(run, 'ideas').in).toBe(4);
    expect(stage(run, 'ideas').out).toBeGreaterThan(4);
    expect(stage(run, 'ideas').out).toBe(await t.db.prisma.contentIdea.count({ where: { siteId: p.siteId } }));
    const untouched = await t.db.prisma.keyword.count({ where: { sectorId: off, clusterId: null } });
    expect(untouched).toBe(3);
  }, 120_000);
});

describe('caps and failures', () => {
  it('stops before the item that would pass the run cap, with the reason', async () => {
    const p = await site();
    await configure(p, { ...QUICK, runCreditCap: 20 });
    const run = await runUntil(t, p.member, (await start(p)).body.data.id);
    expect(run.stopReason).toBe('run_cap_reached');
    expect(run.stopDetail).toMatch(/cap of 20/);
    expect(run.creditsUsed).toBeLessThanOrEqual(20);
    expect(run.creditsUsed).toBe(await ledgerCaptures(t, run.id));
  }, 120_000);

  it('stops at the monthly cap across runs', async () => {
    const p = await site();
    await configure(p, { ...QUICK, stopAfter: 'ideas', batchSizes: { ideas: 2 } });
    const first = await runUntil(t, p.member, (await start(p)).body.data.id);
    expect(first.creditsUsed).toBeGreaterThan(0);
    // Exactly what the first run used: the second run's first paid item would pass it.
    await configure(p, { monthlyCreditCap: first.creditsUsed });
    const second = await runUntil(t, p.member, (await start(p)).body.data.id);
    expect(second.stopReason).toBe('monthly_cap_reached');
    expect(second.stopDetail).toContain(`monthly cap of ${first.creditsUsed}`);
    expect(second.creditsUsed).toBe(0);
  }, 120_000);

  it('stops with the provider quota as the reason', async () => {
    const p = await site();
    await configure(p, { ...QUICK, stopAfter: 'ideas' });
    fake.setKnobs({ failNext: Array.from({ length: 20 }, () => ({ kind: 'quota' as const })) });
    const run = await runUntil(t, p.member, (await start(p)).body.data.id);
    expect(run.stopReason).toBe('provider_quota_exhausted');
    expect(stage(run, 'ideas').failed).toBeGreaterThan(0);
  }, 120_000);

  it("stops at the site's monthly budget", async () => {
    const p = await site();
    expect((await api(p.member, 'PATCH', `/sites/${p.siteId}`, { monthlyCreditBudget: 3 })).status).toBe(200);
    await configure(p, QUICK);
    const run = await runUntil(t, p.member, (await start(p)).body.data.id);
    expect(run.stopReason).toBe('site_budget_reached');
    expect(run.creditsUsed).toBeLessThanOrEqual(3);
    expect(run.creditsUsed).toBe(await ledgerCaptures(t, run.id));
  }, 120_000);

  it('stops when the account runs out of credits', async () => {
    const p = await site(5);
    await configure(p, QUICK);
    const run = await runUntil(t, p.member, (await start(p)).body.data.id);
    expect(run.stopReason).toBe('credits_exhausted');
    expect(run.stopDetail).toMatch(/balance is/);
  }, 120_000);
});
