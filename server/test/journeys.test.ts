import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { JobWorker } from '../src/jobs/worker.ts';
import { DEMO_NOTICE } from '../src/modules/publisher/markup.ts';
import { fixture, upload, type Place } from './planner/import/helpers.ts';
import { startFakeAi, type FakeAi } from './fake-ai/server.ts';
import { createTestApp, type TestContext } from './helpers/app.ts';
import type { TestDatabaseMode } from './helpers/database.ts';
import { eventually } from './helpers/processes.ts';
import { registerOwner, type Member } from './helpers/users.ts';
import {
  connectWordPress,
  listen,
  releaseWordPress,
  startWordPress,
  wpAdmin,
  type Harness,
} from './publisher/helpers.ts';

/**
 * The product's main job through its API, on each database the product runs on: PostgreSQL, and the embedded
 * database that `npm start` uses without DATABASE_URL (one connection: a transaction that waits on a second one
 * freezes the whole server). A new account with trial credits connects a real WordPress, imports keywords in every
 * format, clusters them, gets ideas (demo AI), turns one into a task, writes it with images, approves and publishes
 * it, and a visitor reads the post; all along, the server keeps answering. Each step has a deadline, so a freeze
 * fails the test in seconds instead of hanging the run.
 */
const MODES: TestDatabaseMode[] = process.env.JOURNEY_MODE
  ? [process.env.JOURNEY_MODE as TestDatabaseMode]
  : ['postgres', 'embedded'];
const SIGNUP_CREDITS = 5000;
const STATUS_DEADLINE_MS = 15_000;

let wp: Harness;
let fake: FakeAi;
beforeAll(async () => {
  wp = await startWordPress();
  fake = await startFakeAi();
}, 600_000);
afterAll(async () => {
  await fake?.close();
  releaseWordPress();
});

describe.each(MODES)('the main journey on %s', (mode) => {
  let t: TestContext;
  let worker: JobWorker;
  let owner: Member;
  let place: Place;
  let dataDir: string;
  /**
   * Times the status route took while jobs ran: a self-waiting transaction would stop it answering at all. The
   * deadline is generous because a loaded 2-core machine can be slow; a freeze never answers.
   */
  const statusTimes: number[] = [];
  let watching = true;

  const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: owner.headers,
      ...(payload ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.json() };
  };
  const job = (jobId: string, timeoutMs = 60_000) =>
    eventually(
      async () => {
        const j = (await api('GET', `/jobs/${jobId}`)).body.data;
        return ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : undefined;
      },
      timeoutMs,
      100,
    );
  const imported = (importId: string) =>
    eventually(
      async () => {
        const imp = (await api('GET', `/planner/imports/${importId}`)).body.data;
        return ['succeeded', 'failed'].includes(imp.status) ? imp : undefined;
      },
      30_000,
      100,
    );

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), `igny8-journey-${mode}-`));
    t = await createTestApp(
      {
        ALLOW_PRIVATE_SITE_URLS: 'true',
        AI_DEMO_BASE_URL: fake.url,
        SIGNUP_CREDITS: String(SIGNUP_CREDITS),
        ...(mode === 'postgres' ? { DATA_DIR: dataDir } : {}),
      },
      { mode },
    );
    expect(t.db.mode).toBe(mode);
    const serverUrl = await listen(t);
    owner = await registerOwner(t.app);
    const where = await connectWordPress(t, wp, owner, serverUrl);
    place = { member: owner, ...where };
    // As `npm start` runs it: the configured concurrency, woken by NOTIFY, looking for unannounced jobs every 5 s.
    worker = new JobWorker(t.queue.boss, t.db.prisma, t.queue.registry, pino({ level: 'silent' }), {
      concurrency: t.config.WORKER_CONCURRENCY,
      backstopPollingSeconds: t.config.WORKER_POLL_SECONDS,
    });
    await worker.start();
    // The status route answers every 200 ms while the journey runs, each within a deadline.
    void (async () => {
      while (watching) {
        const started = performance.now();
        const ok = await fetch(`${serverUrl}/api/v1/system/status`, {
          signal: AbortSignal.timeout(STATUS_DEADLINE_MS),
        }).then(
          (res) => res.ok,
          () => false,
        );
        statusTimes.push(ok ? performance.now() - started : Infinity);
        if (process.env.JOURNEY_DEBUG && performance.now() - started > 500) {
          console.log(`slow status ${Math.round(performance.now() - started)} ms at ${new Date().toISOString()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
  }, 120_000);

  afterAll(async () => {
    watching = false;
    await worker?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with the trial credits', async () => {
    expect((await api('GET', '/billing/balance')).body.data.balance).toBe(SIGNUP_CREDITS);
  });

  it('imports every recognized format, a pasted list, and a file that needs a column mapping', async () => {
    const files: [string, string, number][] = [
      ['semrush.csv', 'semrush', 7],
      ['ahrefs.csv', 'ahrefs', 5],
      ['gsc-queries.csv', 'gsc', 5],
      ['keyword-planner.csv', 'keyword_planner', 6],
      ['moz.csv', 'moz', 4],
      ['list.txt', 'list', 4],
    ];
    for (const [name, format, rows] of files) {
      const res = await upload(t, place, fixture(name), { fileName: name });
      expect(res.statusCode, `${name}: ${res.body}`).toBe(202);
      const done = await imported(res.json().data.importId);
      expect(done, name).toMatchObject({ status: 'succeeded', format, rowsTotal: rows });
    }
    const pasted = await api('POST', '/planner/keywords/import', {
      siteId: place.siteId,
      sectorId: place.sectorId,
      text: 'trail running shoes\ntrail running shoes for women\nwaterproof hiking boots\n',
    });
    expect(pasted.status).toBe(202);
    expect(await imported(pasted.body.data.importId)).toMatchObject({ status: 'succeeded', rowsTotal: 3 });

    const unknown = await upload(t, place, fixture('unrecognized.csv'));
    expect(unknown.statusCode).toBe(201);
    const mapped = await api('POST', `/planner/imports/${unknown.json().data.importId}/mapping`, {
      mapping: { keyword: 'Suchbegriff', volume: 'Suchvolumen' },
    });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(202);
    expect(await imported(unknown.json().data.importId)).toMatchObject({ status: 'succeeded', rowsInserted: 3 });

    const bad = await upload(t, place, fixture('semrush-bad-rows.csv'));
    expect(bad.statusCode).toBe(202);
    const withErrors = await imported(bad.json().data.importId);
    expect(withErrors.status).toBe('succeeded');
    expect(withErrors.rowsFailed).toBeGreaterThan(0);
    const errors = await api('GET', `/planner/imports/${bad.json().data.importId}/errors`);
    expect(errors.body.data.items.length).toBe(withErrors.rowsFailed);

    const count = await api('GET', `/planner/keywords/count?siteId=${place.siteId}&sectorId=${place.sectorId}`);
    expect(count.body.data.total).toBeGreaterThan(20);
  });

  it('clusters the keywords, writes an article from an idea with images, and publishes it to WordPress', async () => {
    const run = await api('POST', '/planner/clusters/run', {
      siteId: place.siteId,
      sectorId: place.sectorId,
      method: 'lexical',
    });
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    expect((await job(run.body.data.jobId)).status).toBe('succeeded');
    const clusters = await api(
      'GET',
      `/planner/clusters?siteId=${place.siteId}&sectorId=${place.sectorId}&sort=volume`,
    );
    const cluster = clusters.body.data.items[0];
    expect(cluster.keywordCount).toBeGreaterThan(1);

    const ideas = await api('POST', `/planner/clusters/${cluster.id}/ideas/generate`, { count: 2 });
    expect(ideas.status, JSON.stringify(ideas.body)).toBe(202);
    expect((await job(ideas.body.data.jobId)).status).toBe('succeeded');
    const idea = (await api('GET', `/planner/ideas?siteId=${place.siteId}&clusterId=${cluster.id}`)).body.data.items[0];
    expect(idea).toMatchObject({ demo: true });
    expect((await api('POST', `/planner/ideas/${idea.id}/approve`, {})).status).toBe(200);
    const converted = await api('POST', '/planner/ideas/convert', { ideaIds: [idea.id] });
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    const task = converted.body.data[0];

    const written = await api('POST', `/writer/tasks/${task.id}/generate`, {});
    expect(written.status, JSON.stringify(written.body)).toBe(202);
    const writing = await job(written.body.data.jobId);
    expect(writing.status, JSON.stringify(writing.error)).toBe('succeeded');
    const contentId = writing.result.contentId as string;
    const painted = await api('POST', `/writer/contents/${contentId}/images/generate`, {});
    expect(painted.status, JSON.stringify(painted.body)).toBe(202);
    const images = await job(painted.body.data.jobId);
    expect(images.status, JSON.stringify(images.error)).toBe('succeeded');

    const content = (await api('GET', `/writer/contents/${contentId}`)).body.data;
    expect(content.demo).toBe(true);
    expect(
      (await api('POST', `/writer/contents/${contentId}/approve`, { version: content.currentVersion })).status,
    ).toBe(200);
    const published = await api('POST', `/publisher/contents/${contentId}/publish`, { status: 'publish' });
    expect(published.status, JSON.stringify(published.body)).toBe(202);
    const publishing = await job(published.body.data.jobId);
    expect(publishing.status, JSON.stringify(publishing.error)).toBe('succeeded');

    // A visitor reads it: the title, the demo notice first, and the featured image.
    const post = await wpAdmin(wp, 'GET', `wp/v2/posts/${publishing.result.postId}?context=edit`);
    expect(post.data.title.raw).toBe(content.version.title);
    expect(post.data.content.raw.startsWith(`<!-- wp:paragraph -->\n<p><em>${DEMO_NOTICE}</em></p>`)).toBe(true);
    expect(post.data.featured_media).toBeGreaterThan(0);
    const page = await fetch(publishing.result.url as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(DEMO_NOTICE);

    // Every credit the work took is in the usage, and the balance fell by exactly that.
    const usage = await api('GET', '/billing/usage?groupBy=operation');
    const used = usage.body.data.total.credits as number;
    expect(used).toBeGreaterThan(0);
    expect((await api('GET', '/billing/balance')).body.data.balance).toBe(SIGNUP_CREDITS - used);
  }, 240_000);

  it('kept answering requests while the jobs ran', () => {
    expect(statusTimes.length).toBeGreaterThan(10);
    expect(statusTimes.filter((ms) => !Number.isFinite(ms))).toEqual([]);
    expect(Math.max(...statusTimes)).toBeLessThan(STATUS_DEADLINE_MS);
  });
});
