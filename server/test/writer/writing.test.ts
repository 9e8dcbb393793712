import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { creditsFor } from '../../src/modules/ai/engine.ts';
import { VECTORS } from '../fixtures/writer/xss.ts';
import { PARAGRAPHS } from '../fixtures/writer/languages.ts';
import { blocksOf, allBlocks, ALLOWED_BLOCKS, problemsIn } from './content/helpers.ts';
import { lengthBounds } from '../../src/modules/writer/content/words.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi, startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually, type RunningProcess } from '../helpers/processes.ts';
import { handTask, jobDone, jobEnded, outlineOf, writerApi, writeTask } from './helpers.ts';

/**
 * Writing articles through a real worker and the fake provider: length within 15% of the target, block markup from
 * the allowlist only, planted XSS never stored, language mismatches flagged, a crash mid-article resumed at the next
 * unwritten section and charged once, 402 and state conflicts.
 */
let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
let api: ReturnType<typeof writerApi>;
const billing = () => t.services.billing;
const account = (credits: number) => memberWithFakeAi(t, fake, credits);

/** The fake requests that asked for a section (by its heading), not cut off by a dying worker. */
const sectionRequests = (heading: string, answeredOnly = true) =>
  fake.requests.filter(
    (r) =>
      JSON.stringify(r.body).includes(`section \\"${heading} (about`) && (!answeredOnly || r.abortedAt === undefined),
  );

beforeAll(async () => {
  t = await createTestApp(FAKE_AI_ENV);
  fake = await startFakeAi();
  api = writerApi(t);
  worker = await startWorkerProcess(t);
});
beforeEach(() => fake.reset());
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await fake?.close();
  await t?.close();
});

async function currentVersion(taskId: string) {
  const content = await t.db.prisma.content.findUniqueOrThrow({ where: { taskId } });
  return t.db.prisma.contentVersion.findUniqueOrThrow({
    where: { contentId_number: { contentId: content.id, number: content.currentVersion } },
  });
}

describe('length', () => {
  it('a 3,000-word task lands between 2,550 and 3,450 words, in allowlisted blocks, one call per section', async () => {
    const member = await account(1_000_000);
    const headings = ['Introduction', 'Fit', 'Grip', 'Cushioning', 'Weight', 'Durability', 'Price', 'Conclusion'];
    const { task } = await handTask(t, member, { targetWordCount: 3000, outline: outlineOf(headings) });
    const job = await writeTask(t, member, task.id);
    const version = await currentVersion(task.id);
    const { min, max } = lengthBounds(3000);
    console.info(`writer: 3,000-word target -> ${version.wordCount} words`);
    expect(min).toBe(2550);
    expect(max).toBe(3450);
    expect(version.wordCount).toBeGreaterThanOrEqual(min);
    expect(version.wordCount).toBeLessThanOrEqual(max);
    expect(job.result.wordCount).toBe(version.wordCount);
    // Parsed the way WordPress parses post_content: only allowlisted blocks, nothing outside them.
    expect(problemsIn(version.body)).toEqual([]);
    const names = new Set(allBlocks(blocksOf(version.body)).map((b) => b.blockName));
    for (const name of names) expect(ALLOWED_BLOCKS.has(name!)).toBe(true);
    expect(names.has('core/heading') && names.has('core/paragraph')).toBe(true);
    for (const heading of headings) expect(sectionRequests(heading)).toHaveLength(1);
    expect(version.sections).toHaveLength(headings.length);
    expect(version.source).toBe('generated');
    expect(version.seoTitle.length).toBeLessThanOrEqual(60);
    expect(version.metaDescription.length).toBeLessThanOrEqual(160);
    expect(version.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(version.excerpt.length).toBeGreaterThan(0);
    expect(version.languageMatches).toBe(true);
    const got = (await api(member, 'GET', `/tasks/${task.id}`)).json().data;
    expect(got).toMatchObject({ status: 'review', failureReason: null, lastJobId: job.id });
    expect(got.content).toMatchObject({ currentVersion: 1, approvedVersion: null, wordCount: version.wordCount });
  }, 90_000);

  it('a model that overshoots the first sections by 200 words each: the rest are asked for less, still within 15%', async () => {
    const member = await account(1_000_000);
    const headings = ['Fit', 'Grip', 'Cushioning', 'Weight', 'Durability', 'Price'];
    const { task } = await handTask(t, member, { targetWordCount: 3000, outline: outlineOf(headings) });
    fake.setKnobs({ plantHtml: { text: `<p>${PARAGRAPHS.en}</p>`, count: 2 } });
    await writeTask(t, member, task.id);
    const version = await currentVersion(task.id);
    console.info(`writer: 3,000-word target, first two sections 200 words long -> ${version.wordCount} words`);
    const { min, max } = lengthBounds(3000);
    expect(version.wordCount).toBeGreaterThanOrEqual(min);
    expect(version.wordCount).toBeLessThanOrEqual(max);
    const asked = headings.map((h) => {
      const match = /about (\d+) words/.exec(JSON.stringify(sectionRequests(h)[0]!.body));
      return Number(match![1]);
    });
    // The overshoot is taken off the sections after it.
    expect(asked[2]).toBeLessThan(asked[0]! - 50);
    expect(asked[5]).toBeLessThan(asked[0]! - 50);
  }, 90_000);

  it('an 800-word task with an FAQ and no outline: outline written first, length within 15%', async () => {
    const member = await account(1_000_000);
    const { task } = await handTask(t, member, { targetWordCount: 800, outline: [], includeFaq: true, imageCount: 2 });
    await writeTask(t, member, task.id);
    const version = await currentVersion(task.id);
    const { min, max } = lengthBounds(800);
    console.info(`writer: 800-word target with FAQ -> ${version.wordCount} words`);
    expect(version.wordCount).toBeGreaterThanOrEqual(min);
    expect(version.wordCount).toBeLessThanOrEqual(max);
    expect((version.faq as unknown[]).length).toBeGreaterThan(0);
    expect(version.body).toContain('<h2>FAQ</h2>');
    expect(problemsIn(version.body)).toEqual([]);
    const stored = await t.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    // The outline the article was written from is kept on the task; images come next (written, not review).
    expect((stored.outline as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect(stored.status).toBe('written');
    expect(version.sections).toHaveLength((stored.outline as unknown[]).length);
  }, 90_000);
});

describe('safety and language', () => {
  it('the XSS corpus planted in every section of the AI output never reaches the stored content', async () => {
    const member = await account(1_000_000);
    // Sections long enough for the fake to fit the whole corpus (3.5 kB) under the output limit with their text.
    const { task } = await handTask(t, member, { outline: outlineOf(['Fit', 'Grip', 'Care']), targetWordCount: 3000 });
    const corpus = VECTORS.map(([, v]) => v).join('\n');
    fake.setKnobs({ plantHtml: { text: corpus, count: 10 } });
    await writeTask(t, member, task.id);
    // Every section answer carried the corpus.
    expect(fake.requests.length).toBe(3);
    expect(fake.knobs.plantHtml?.count).toBe(7);
    const version = await currentVersion(task.id);
    const sections = version.sections as { html: string }[];
    for (const markup of [version.body, ...sections.map((s) => s.html)]) {
      expect(problemsIn(markup, { fragment: markup !== version.body })).toEqual([]);
      expect(markup).not.toMatch(/<script|<iframe|<object|<embed|<svg|<style|<form|javascript:|vbscript:|\son\w+=/i);
      expect(markup).not.toMatch(/style=|srcdoc|data:text/i);
    }
    // Not even in the job's stored steps.
    const run = await t.db.prisma.jobRun.findFirstOrThrow({ where: { accountId: member.accountId } });
    expect(JSON.stringify(run.steps)).not.toMatch(/<script|onerror=|javascript:/i);
  }, 60_000);

  it('a German task answered in English is flagged, and approval needs acceptLanguageMismatch', async () => {
    const member = await account(1_000_000);
    const { task } = await handTask(t, member, { language: 'de' });
    await writeTask(t, member, task.id);
    // The task's own language reaches every prompt (the sector's is English).
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const r of fake.requests) expect(JSON.stringify(r.body)).toContain('Write in de');
    const version = await currentVersion(task.id);
    expect(version.detectedLanguage).toBe('en');
    expect(version.languageMatches).toBe(false);
    const content = (await api(member, 'GET', `/tasks/${task.id}/content`)).json().data;
    expect(content).toMatchObject({ language: 'de', approved: false, version: { languageMatches: false } });
    const refused = await api(member, 'POST', `/contents/${content.id}/approve`, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatch(/reads as English \(en\), but it was asked for in German \(de\)/);
    expect(refused.json().details.fields[0].field).toBe('acceptLanguageMismatch');
    const approved = await api(member, 'POST', `/contents/${content.id}/approve`, { acceptLanguageMismatch: true });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().data).toMatchObject({ approved: true, approvedVersion: 1, task: { status: 'approved' } });
  }, 60_000);

  it('a German task answered in German matches (the check is not just "English = wrong")', async () => {
    const member = await account(1_000_000);
    const { task } = await handTask(t, member, { language: 'de', targetWordCount: 300 });
    fake.setKnobs({ plantHtml: { text: `<p>${PARAGRAPHS.de}</p>`, count: 2 } });
    await writeTask(t, member, task.id);
    // The fake's English filler (about 140 words a section) plus a German paragraph (200 words): German dominates.
    const version = await currentVersion(task.id);
    expect(version.detectedLanguage).toBe('de');
    expect(version.languageMatches).toBe(true);
  }, 60_000);
});

describe('crashes, credits and conflicts', () => {
  it('a worker killed mid-article resumes at the next unwritten section: each section asked once, charged once', async () => {
    const member = await account(1_000_000);
    const headings = ['Fit', 'Grip', 'Cushioning', 'Weight', 'Price'];
    const { task } = await handTask(t, member, { targetWordCount: 1200, outline: outlineOf(headings) });
    fake.setKnobs({ latencyMs: 1_500 });
    const res = await api(member, 'POST', `/tasks/${task.id}/generate`, {});
    expect(res.statusCode, res.body).toBe(202);
    const { jobId, heldCredits } = res.json().data;
    expect((await api(member, 'GET', `/tasks/${task.id}`)).json().data.status).toBe('writing');
    // Two sections stored, the third being written: kill the worker while that call is in flight.
    await eventually(
      async () => {
        const run = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: jobId } });
        const steps = (run.steps as { name: string }[]).map((s) => s.name);
        return steps.includes('section:1') && fake.requests.length === 3;
      },
      30_000,
      20,
    );
    worker!.child.kill('SIGKILL');
    await worker!.exited;
    fake.setKnobs({ latencyMs: 0 });
    worker = await startWorkerProcess(t);
    const job = await jobDone(t, member, jobId, 90_000);
    expect(job.attempts).toBe(2);

    // The section cut off by the crash was asked again; every section was answered exactly once.
    expect(sectionRequests('Cushioning', false)).toHaveLength(2);
    for (const heading of headings) expect(sectionRequests(heading), heading).toHaveLength(1);
    const calls = await t.db.prisma.aiCall.findMany({ where: { jobRunId: jobId, status: 'ok' } });
    expect(calls).toHaveLength(headings.length);
    // One capture, equal to what the recorded provider calls cost, never more than held.
    const pricing = { creditsPerUsd: t.config.CREDITS_PER_USD, markup: t.config.CREDIT_MARKUP };
    const expected = calls.reduce((sum, c) => sum + creditsFor(c.costMicros, pricing), 0);
    const captures = await t.db.prisma.creditLedgerEntry.count({
      where: { accountId: member.accountId, kind: 'capture' },
    });
    expect(captures).toBe(1);
    const hold = await t.db.prisma.creditHold.findUniqueOrThrow({ where: { jobRunId: jobId } });
    expect(hold.captured).toBe(expected);
    expect(job.result.credits).toBe(expected);
    expect(expected).toBeLessThanOrEqual(heldCredits);
    expect(await billing().balance(member.accountId)).toBe(1_000_000 - expected);
    const version = await currentVersion(task.id);
    expect(version.sections).toHaveLength(headings.length);
    expect(await t.db.prisma.contentVersion.count({ where: { contentId: version.contentId } })).toBe(1);
  }, 150_000);

  it('402 when credits are short (task unchanged); 409 while writing and after approval without regenerate', async () => {
    const poor = await account(1);
    const { task: poorTask } = await handTask(t, poor);
    const short = await api(poor, 'POST', `/tasks/${poorTask.id}/generate`, {});
    expect(short.statusCode).toBe(402);
    expect(short.json().code).toBe('INSUFFICIENT_CREDITS');
    expect((await api(poor, 'GET', `/tasks/${poorTask.id}`)).json().data.status).toBe('queued');
    expect(await t.db.prisma.jobRun.count({ where: { accountId: poor.accountId } })).toBe(0);

    const member = await account(1_000_000);
    const { task } = await handTask(t, member);
    fake.setKnobs({ latencyMs: 500 });
    const key = { 'idempotency-key': 'write-task-0001' };
    const first = await api(member, 'POST', `/tasks/${task.id}/generate`, {}, key);
    expect(first.statusCode, first.body).toBe(202);
    // The same key again answers the same job; another request while writing is refused.
    const repeat = await api(member, 'POST', `/tasks/${task.id}/generate`, {}, key);
    expect(repeat.statusCode).toBe(202);
    expect(repeat.json().data.jobId).toBe(first.json().data.jobId);
    const busy = await api(member, 'POST', `/tasks/${task.id}/generate`, { regenerate: true });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error).toMatch(/is being written right now/);
    for (const [method, url, body] of [
      ['PATCH', `/tasks/${task.id}`, { title: 'A different title' }],
      ['DELETE', `/tasks/${task.id}`, undefined],
    ] as const) {
      const res = await api(member, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(409);
      expect(res.json().error).toMatch(/being written right now, so it cannot be (changed|deleted)/);
    }
    await jobDone(t, member, first.json().data.jobId);
    fake.setKnobs({ latencyMs: 0 });
    const content = (await api(member, 'GET', `/tasks/${task.id}/content`)).json().data;
    await api(member, 'POST', `/contents/${content.id}/approve`, {});
    const again = await api(member, 'POST', `/tasks/${task.id}/generate`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatch(/already approved: send \{ "regenerate": true \}/);
    // A second task with the same title on the same site gets the next free slug.
    const twin = (
      await api(member, 'POST', '/tasks', {
        siteId: task.siteId,
        sectorId: task.sectorId,
        title: 'How to choose trail running shoes',
        primaryKeyword: 'trail running shoes',
        outline: outlineOf(['Fit']),
        targetWordCount: 300,
        imageCount: 0,
      })
    ).json().data;
    await writeTask(t, member, twin.id);
    expect((await currentVersion(twin.id)).slug).toBe(`${content.version.slug}-2`);

    const regenerated = await writeTask(t, member, task.id, { regenerate: true });
    expect(regenerated.result.version).toBe(2);
    const after = (await api(member, 'GET', `/contents/${content.id}`)).json().data;
    // The new version is current and not approved; the old one is still there.
    expect(after).toMatchObject({
      currentVersion: 2,
      approvedVersion: null,
      approved: false,
      task: { status: 'review' },
    });
    expect(
      (await api(member, 'GET', `/contents/${content.id}/versions`))
        .json()
        .data.map((v: { number: number }) => v.number),
    ).toEqual([2, 1]);
  }, 90_000);

  it('the same Idempotency-Key sent three times at once starts one job; cancelling it fails the task, refunded', async () => {
    const member = await account(1_000_000);
    const { task } = await handTask(t, member);
    fake.setKnobs({ latencyMs: 3_000 });
    const key = { 'idempotency-key': 'write-task-concurrent' };
    const answers = await Promise.all(
      Array.from({ length: 3 }, () => api(member, 'POST', `/tasks/${task.id}/generate`, {}, key)),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((a) => a.json().data.jobId)).size).toBe(1);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: member.accountId } })).toBe(1);
    const jobId = answers[0]!.json().data.jobId;
    await eventually(async () => fake.requests.length >= 1, 20_000, 20);
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/cancel`, headers: member.headers });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect((await jobEnded(t, member, jobId)).status).toBe('cancelled');
    const got = await eventually(async () => {
      const g = (await api(member, 'GET', `/tasks/${task.id}`)).json().data;
      return g.status === 'failed' ? g : undefined;
    });
    expect(got.failureReason).toMatch(/Writing was cancelled before it finished/);
    expect(await billing().balance(member.accountId)).toBe(1_000_000);
    expect(await t.db.prisma.content.count({ where: { taskId: task.id } })).toBe(0);
  }, 60_000);

  it('a provider that refuses for good fails the task with the reason, and gives the credits back', async () => {
    const member = await account(1_000_000);
    const { task } = await handTask(t, member);
    fake.setKnobs({ failNext: [{ kind: 'quota' }, { kind: 'quota' }] });
    const res = await api(member, 'POST', `/tasks/${task.id}/generate`, {});
    const job = await jobEnded(t, member, res.json().data.jobId);
    expect(job.status).toBe('failed');
    const got = await eventually(async () => {
      const g = (await api(member, 'GET', `/tasks/${task.id}`)).json().data;
      return g.status === 'failed' ? g : undefined;
    });
    expect(got.failureReason).toMatch(/^Writing failed: .*quota/);
    expect(await billing().balance(member.accountId)).toBe(1_000_000);
  }, 60_000);
});
