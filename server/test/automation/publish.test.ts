import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TAutomationRun } from '@igny8/shared';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, addFakeAiKeys } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually } from '../helpers/processes.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import {
  connectWordPress,
  listen,
  releaseWordPress,
  startWordPress,
  wpAdmin,
  type Harness,
} from '../publisher/helpers.ts';
import { apiOf, importKeywords, ledgerCaptures, runUntil, stage, startWorker } from './helpers.ts';

/**
 * What a site owner sets up once: 60 keywords, a schedule (a per-second cron here) and auto-publish at a cadence of
 * two posts a day at 09:00 in the site's time zone. With no further request, a real worker clusters them, gets ideas,
 * writes and illustrates the articles and schedules them on the harness WordPress at the cadence's slots (09:00 and
 * 16:30 Berlin time), each once, with its featured image; the run's credits equal the ledger's captures.
 */
const ZONE = 'Europe/Berlin';
const WORDS = ['trail', 'road', 'hiking', 'running', 'camping', 'winter'];
const THINGS = ['shoes', 'boots', 'socks', 'jackets', 'tents', 'poles', 'gloves', 'packs', 'hats', 'maps'];
const SIXTY = WORDS.flatMap((w) => THINGS.map((t) => `${w} ${t}`));

let t: TestContext;
let fake: FakeAi;
let wp: Harness;
let worker: JobWorker;
let owner: Member;
let place: { siteId: string; sectorId: string };
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(t)(...args);

beforeAll(async () => {
  wp = await startWordPress();
  fake = await startFakeAi();
  t = await createTestApp({
    ...FAKE_AI_ENV,
    AUTOMATION_POLL_MS: '100',
    AUTOMATION_MIN_INTERVAL_SECONDS: '1',
    SCHEDULER_CHECK_SECONDS: '1',
  });
  const serverUrl = await listen(t);
  owner = await registerOwner(t.app);
  await addFakeAiKeys(t, fake, owner.accountId);
  await t.services.billing.grant(owner.accountId, 50_000, 'test credits', owner.userId);
  place = await connectWordPress(t, wp, owner, serverUrl);
  worker = await startWorker(t);
}, 600_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await fake?.close();
  releaseWordPress();
});

describe('automation on a schedule', () => {
  it('publishes illustrated posts to WordPress at the cadence, each once, within the ledger', async () => {
    expect((await api(owner, 'PATCH', `/sites/${place.siteId}`, { timezone: ZONE })).status).toBe(200);
    await importKeywords(t, owner, place.siteId, place.sectorId, SIXTY);
    const saved = await api(owner, 'PUT', `/sites/${place.siteId}/automation`, {
      autoApprove: true,
      autoPublish: true,
      ideasPerCluster: 1,
      imageCount: 1,
      cadence: { postsPerDay: 2, time: '09:00' },
      batchSizes: { ideas: 3, tasks: 3, articles: 3, images: 3, publish: 3 },
      schedule: { enabled: true, frequency: 'custom', cron: '*/2 * * * * *' },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.data.timezone).toBe(ZONE);

    // No "Run now": the schedule starts the run.
    const first = await eventually(async () => {
      const runs = (await api(owner, 'GET', `/sites/${place.siteId}/automation/runs`)).body.data.items;
      return runs.at(-1) as TAutomationRun | undefined;
    }, 90_000);
    expect(first.trigger).toBe('schedule');
    await api(owner, 'PUT', `/sites/${place.siteId}/automation`, { schedule: { enabled: false } });
    const run = await runUntil(t, owner, first.id, undefined, 240_000);
    expect(run.stopReason, run.stopDetail ?? '').toBe('done');
    expect(stage(run, 'cluster').in).toBe(60);
    expect(stage(run, 'publish').out).toBe(3);
    expect(run.creditsUsed).toBe(await ledgerCaptures(t, run.id));

    // Each post exactly once, scheduled at the cadence's slots, with its featured image.
    const publications = await t.db.prisma.publication.findMany({
      where: { siteId: place.siteId },
      orderBy: { scheduledAt: 'asc' },
    });
    expect(publications).toHaveLength(3);
    expect(publications.every((p) => p.status === 'scheduled' && p.postId)).toBe(true);
    const postIds = publications.map((p) => p.postId);
    expect(new Set(postIds).size).toBe(3);
    const slots: string[] = [];
    for (const id of postIds) {
      const post = await wpAdmin(wp, 'GET', `wp/v2/posts/${id}?context=edit`);
      expect(post.data.status).toBe('future');
      expect(post.data.featured_media).toBeGreaterThan(0);
      slots.push(DateTime.fromISO(`${post.data.date_gmt}Z`).setZone(ZONE).toFormat('HH:mm'));
    }
    // Two a day: 09:00 and 16:30 (09:00 plus half of what is left of the day), never twice the same slot.
    expect(slots.every((s) => s === '09:00' || s === '16:30')).toBe(true);
    const times = publications.map((p) => p.scheduledAt!.getTime());
    expect(new Set(times).size).toBe(3);
    const titles = await wpAdmin(wp, 'GET', 'wp/v2/posts?status=future&per_page=100&context=edit');
    const mine = titles.data.filter((p: { id: number }) => postIds.includes(p.id));
    expect(mine).toHaveLength(3);
  }, 420_000);
});
