import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TAutomationRun } from '@igny8/shared';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import type { Member } from '../helpers/users.ts';
import { createPlace, type Place } from '../planner/import/helpers.ts';
import { apiOf, importKeywords, QUICK, runUntil, stage, startWorker } from './helpers.ts';

/**
 * Runs of several sites at once share the workers fairly: a big run (40 articles) and two small ones (2 articles each)
 * started together, on the production worker settings. Each run keeps at most AUTOMATION_RUN_CONCURRENCY items in
 * flight and pg-boss serves the oldest job first, so the small runs' jobs queue between the big run's instead of behind
 * all of them: the small runs end while the big one is still early on. The account's provider limit holds across the
 * three runs (they share its keys): the provider never answers 429.
 */
let t: TestContext;
let fake: FakeAi;
let worker: JobWorker;
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(t)(...args);
const RPM = 300;

beforeAll(async () => {
  fake = await startFakeAi();
  t = await createTestApp({ ...FAKE_AI_ENV, AUTOMATION_POLL_MS: '100' });
  worker = await startWorker(t);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await fake?.close();
});

/** Heads that share no word, so lexical clustering makes one group of four keywords per head. */
const HEADS = [
  'kayak paddle', 'bike helmet', 'camping stove', 'sleeping bag', 'trail map', 'rain jacket', 'water filter',
  'climbing rope', 'ski goggles', 'fishing reel', 'yoga mat', 'rowing machine', 'tennis racket', 'golf glove',
  'swim cap', 'surf wax', 'snow shovel', 'bird feeder', 'garden hose', 'compost bin',
]; // prettier-ignore

/** `articles` articles' worth of keywords: one group of four per two articles (two ideas per cluster). */
function keywords(articles: number) {
  return HEADS.slice(0, articles / 2).flatMap((h) => [h, `best ${h}`, `${h} for beginners`, `cheap ${h}`]);
}

async function site(member: Member, name: string, articles: number): Promise<Place> {
  const place = await createPlace(t, member, name);
  await importKeywords(t, member, place.siteId, place.sectorId, keywords(articles));
  const n = articles;
  const saved = await api(member, 'PUT', `/sites/${place.siteId}/automation`, {
    ...QUICK,
    ideasPerCluster: 2,
    imageCount: 0, // the featured image only: the test is about sharing, not about images
    batchSizes: { cluster: 1000, ideas: n / 2, tasks: n, articles: n, images: n, publish: n },
  });
  expect(saved.status).toBe(200);
  return place;
}

/** The most jobs of `ids` running at one instant. */
function peakOverlap(jobs: { startedAt: Date | null; finishedAt: Date | null }[]) {
  const edges = jobs.flatMap((j) => [[j.startedAt!.getTime(), 1] as const, [j.finishedAt!.getTime(), -1] as const]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (now += step));
  return peak;
}

describe('runs of several sites at once', () => {
  it('let the small runs finish long before the big one, within the run and provider limits', async () => {
    const member = await memberWithFakeAi(t, fake, 10_000_000);
    await t.db.prisma.providerCredential.updateMany({
      where: { accountId: member.accountId },
      data: { requestsPerMinute: RPM },
    });
    const big = await site(member, 'Big', 40);
    const smalls = [await site(member, 'Small', 2), await site(member, 'Tiny', 2)];
    fake.reset();
    fake.setKnobs({ latencyMs: 50, rateLimit: { requestsPerMinute: RPM } });

    const began = Date.now();
    const ids: string[] = [];
    for (const place of [big, ...smalls]) {
      const res = await api(member, 'POST', `/sites/${place.siteId}/automation/runs`);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      ids.push(res.body.data.id);
    }
    const [bigId, ...smallIds] = ids as [string, ...string[]];
    const smallRuns: TAutomationRun[] = [];
    for (const id of smallIds) smallRuns.push(await runUntil(t, member, id, undefined, 240_000));
    const bigRun = await runUntil(t, member, bigId, undefined, 300_000);

    for (const run of [bigRun, ...smallRuns]) expect(run.stopReason, run.stopDetail ?? '').toBe('done');
    // Lexical clustering may join two of the twenty groups: about 40 articles, each through to the review queue.
    const bigArticles = stage(bigRun, 'publish').out;
    expect(bigArticles).toBeGreaterThanOrEqual(36);
    expect(bigArticles).toBe(stage(bigRun, 'ideas').out);
    for (const run of smallRuns) expect(stage(run, 'publish').out).toBe(2);

    // The small runs were done while the big run had made less than half of its articles, in under half its time.
    const bigEnd = new Date(bigRun.endedAt!).getTime();
    for (const run of smallRuns) {
      const end = new Date(run.endedAt!).getTime();
      expect(end - began).toBeLessThan((bigEnd - began) / 2);
      const bigArticlesThen = await t.db.prisma.content.count({
        where: { siteId: big.siteId, createdAt: { lte: new Date(end) } },
      });
      expect(bigArticlesThen).toBeLessThan(bigArticles / 2);
    }

    // Limits held: no run had more than AUTOMATION_RUN_CONCURRENCY jobs at once, no queue more than the worker's
    // concurrency, and the shared key kept the provider's limit.
    const items = await t.db.prisma.automationItem.findMany({ where: { runId: { in: ids } } });
    const jobs = await t.db.prisma.jobRun.findMany({
      where: { id: { in: items.map((i) => i.jobRunId).filter((id): id is string => !!id) } },
    });
    for (const id of ids) {
      const of = new Set(items.filter((i) => i.runId === id).map((i) => i.jobRunId));
      expect(peakOverlap(jobs.filter((j) => of.has(j.id)))).toBeLessThanOrEqual(t.config.AUTOMATION_RUN_CONCURRENCY);
    }
    for (const type of new Set(jobs.map((j) => j.type))) {
      expect(peakOverlap(jobs.filter((j) => j.type === type))).toBeLessThanOrEqual(t.config.WORKER_CONCURRENCY);
    }
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(fake.requests.filter((r) => r.status === 200).length).toBeGreaterThan(100);
  }, 420_000);
});
