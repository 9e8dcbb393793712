import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { createPlace } from '../planner/import/helpers.ts';
import { apiOf, importKeywords, KEYWORDS, QUICK, runUntil, stage, startWorker } from './helpers.ts';

/**
 * The driver looks at its run when one of the run's jobs ends in its process, not only at its poll: with a poll of a
 * minute, a run through every stage (four items at each, a look needed after each job) still ends in seconds. Its
 * result reports what its looks cost.
 */
let t: TestContext;
let fake: FakeAi;
let worker: JobWorker;

beforeAll(async () => {
  fake = await startFakeAi();
  t = await createTestApp({ ...FAKE_AI_ENV, AUTOMATION_POLL_MS: '60000' });
  worker = await startWorker(t);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await fake?.close();
});

describe('the driver', () => {
  it('wakes when an item of its run ends instead of waiting for its poll', async () => {
    const api = apiOf(t);
    const member = await memberWithFakeAi(t, fake, 20_000);
    const place = await createPlace(t, member, `Wake${Math.floor(Math.random() * 1e6)}`);
    await importKeywords(t, member, place.siteId, place.sectorId, KEYWORDS);
    expect((await api(member, 'PUT', `/sites/${place.siteId}/automation`, QUICK)).status).toBe(200);

    const began = Date.now();
    const started = await api(member, 'POST', `/sites/${place.siteId}/automation/runs`);
    expect(started.status).toBe(202);
    // Polling alone would take a minute per look: at least five looks (one per stage with jobs) past this timeout.
    const run = await runUntil(t, member, started.body.data.id, undefined, 170_000);
    expect(run.stopReason, run.stopDetail ?? '').toBe('done');
    expect(stage(run, 'publish').out).toBe(4);
    expect(Date.now() - began).toBeLessThan(180_000);

    const driver = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: run.jobId! } });
    const result = driver.result as { ticks: number; busyMs: number; startMs: number };
    expect(result.ticks).toBeGreaterThanOrEqual(5);
    expect(result.busyMs).toBeGreaterThanOrEqual(result.startMs);
    expect(result.startMs).toBeGreaterThan(0);
  }, 240_000);
});
