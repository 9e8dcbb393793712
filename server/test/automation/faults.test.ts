import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi, startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import type { RunningProcess } from '../helpers/processes.ts';
import { createPlace } from '../planner/import/helpers.ts';
import { connectWordPress, fastRetries, listen } from '../publisher/helpers.ts';
import { apiOf, importKeywords, KEYWORDS, ledgerCaptures, QUICK, runUntil, stage, startWorker } from './helpers.ts';
import { listAll, restartWebServer, startSite, stopWebServer, type Site } from './wordpress.ts';

/**
 * Faults a run must survive: the site's WordPress going down while stage 7 publishes (retried, then the run stops
 * naming the site; the next run publishes the rest, nothing twice), and the worker running the driver killed in the
 * middle of a stage (the run resumes and reports exactly what the ledger captured).
 */
let t: TestContext;
let fake: FakeAi;
let serverUrl: string;
/** Two clusters' worth (trail running shoes, hiking boots): two articles per run. */
const TWO_CLUSTERS = KEYWORDS.slice(0, 8);
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(t)(...args);

beforeAll(async () => {
  fake = await startFakeAi();
  t = await createTestApp({ ...FAKE_AI_ENV, AUTOMATION_POLL_MS: '100' });
  serverUrl = await listen(t);
  // Publish retries every 1-2 s, three attempts in all (production: 10 s doubling to 5 minutes, six attempts).
  await fastRetries(t, 2);
}, 120_000);
beforeEach(() => fake.reset());
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('WordPress down during stage 7', () => {
  let wp: Site;
  let worker: JobWorker | undefined;
  beforeAll(async () => {
    wp = await startSite(20);
    worker = await startWorker(t);
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await restartWebServer(wp).catch(() => {});
  });

  it('retries publishing, stops the run naming the site, and the next run publishes the rest once', async () => {
    const member = await memberWithFakeAi(t, fake, 100_000);
    const where = await connectWordPress(t, wp, member, serverUrl);
    const settings = await api(member, 'PUT', `/sites/${where.siteId}/automation`, {
      ...QUICK,
      autoPublish: true,
      publishStatus: 'publish',
      cadence: { postsPerDay: null },
      imageCount: 1,
    });
    expect(settings.status).toBe(200);
    await importKeywords(t, member, where.siteId, where.sectorId, TWO_CLUSTERS);
    const site = await t.db.prisma.site.findUniqueOrThrow({ where: { id: where.siteId } });

    // Slow images give the test time to take WordPress down before the first publish.
    fake.setKnobs({ latencyMs: 250 });
    const first = (await api(member, 'POST', `/sites/${where.siteId}/automation/runs`)).body.data.id as string;
    await runUntil(t, member, first, (r) => stage(r, 'images').status === 'running');
    stopWebServer(wp);
    fake.setKnobs({ latencyMs: 0 });

    const stopped = await runUntil(t, member, first, undefined, 120_000);
    expect(stopped.stopReason, stopped.stopDetail ?? '').toBe('wordpress_unreachable');
    expect(stopped.stopDetail).toContain(site.name);
    expect(stopped.stopDetail).toContain(new URL(wp.url).host);
    expect(stopped.stopDetail).not.toContain('Publishing is retried');
    expect(stage(stopped, 'publish').failed).toBeGreaterThan(0);
    expect(stopped.creditsUsed).toBe(await ledgerCaptures(t, first));
    const failed = await t.db.prisma.automationItem.findMany({
      where: { runId: first, stage: 'publish', status: 'failed' },
    });
    const jobs = await t.db.prisma.jobRun.findMany({ where: { id: { in: failed.map((i) => i.jobRunId!) } } });
    // Each publish was retried before it gave up (three attempts with these retries).
    for (const job of jobs) {
      expect(job.attempts, JSON.stringify(job)).toBeGreaterThan(1);
      expect(job.error).toMatchObject({ code: 'SITE_UNREACHABLE' });
    }

    await restartWebServer(wp);
    const next = async () =>
      runUntil(t, member, (await api(member, 'POST', `/sites/${where.siteId}/automation/runs`)).body.data.id);
    const second = await next();
    expect(second.stopReason, second.stopDetail ?? '').toBe('done');
    expect(stage(second, 'publish').out).toBe(2);
    expect((await next()).stopReason).toBe('nothing_to_do');
    // Every article automation wrote is out, each as one post with its images uploaded once.
    const tasks = await t.db.prisma.task.findMany({ where: { siteId: where.siteId, automationRunId: { not: null } } });
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.map((k) => k.status)).toEqual(tasks.map(() => 'published'));
    const contents = await t.db.prisma.content.findMany({
      where: { siteId: where.siteId },
      include: { images: true },
    });
    const ours = new Set(contents.map((c) => c.id));
    const posts = (await listAll(wp, 'posts')).filter((p) => ours.has(p.contentId));
    expect(posts.map((p) => p.contentId).sort()).toEqual([...ours].sort());
    const media = await listAll(wp, 'media');
    for (const image of contents.flatMap((c) => c.images)) {
      const piece = `-${image.id.slice(0, 8)}-`;
      expect(
        media.filter((m) => m.slug.includes(piece)),
        image.id,
      ).toHaveLength(1);
    }
  }, 300_000);
});

describe('the worker running the driver killed mid-stage', () => {
  let worker: RunningProcess | undefined;
  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    await worker?.exited;
  });

  it('resumes the run, which ends done and reports what the ledger captured', async () => {
    const member = await memberWithFakeAi(t, fake, 100_000);
    const place = await createPlace(t, member, `Faults${Math.floor(Math.random() * 1e6)}`);
    worker = await startWorkerProcess(t, { AUTOMATION_POLL_MS: '100' });
    await importKeywords(t, member, place.siteId, place.sectorId, TWO_CLUSTERS);
    await api(member, 'PUT', `/sites/${place.siteId}/automation`, QUICK);
    const balanceBefore = (await api(member, 'GET', '/billing/balance')).body.data.balance;

    fake.setKnobs({ latencyMs: 400 });
    const id = (await api(member, 'POST', `/sites/${place.siteId}/automation/runs`)).body.data.id as string;
    const mid = await runUntil(t, member, id, (r) => stage(r, 'ideas').running > 0);
    expect(mid.status).toBe('running');
    worker.child.kill('SIGKILL');
    await worker.exited;
    fake.setKnobs({ latencyMs: 0 });
    worker = await startWorkerProcess(t, { AUTOMATION_POLL_MS: '100' });

    const run = await runUntil(t, member, id, undefined, 180_000);
    expect(run.stopReason, run.stopDetail ?? '').toBe('done');
    expect(stage(run, 'ideas').out).toBe(2);
    expect(stage(run, 'articles').out).toBe(2);
    expect(stage(run, 'publish').out).toBe(2);
    expect(run.creditsHeld).toBe(0);
    expect(run.creditsUsed).toBeGreaterThan(0);
    expect(run.creditsUsed).toBe(await ledgerCaptures(t, id));
    const balanceAfter = (await api(member, 'GET', '/billing/balance')).body.data.balance;
    expect(balanceBefore - balanceAfter).toBe(run.creditsUsed);
    // The same driver job went on (delivered again), and no subject was started twice.
    const driver = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: run.jobId! } });
    expect(driver.status).toBe('succeeded');
    const keys = await t.db.prisma.jobRun.findMany({
      where: { accountId: member.accountId, idempotencyKey: { startsWith: `automation:${id}:` } },
      select: { idempotencyKey: true },
    });
    expect(new Set(keys.map((k) => k.idempotencyKey)).size).toBe(keys.length);
  }, 300_000);
});
