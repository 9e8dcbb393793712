import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { creditsFor } from '../../src/modules/ai/engine.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi, startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { listenOnTestPort } from '../helpers/listen.ts';
import { eventually, type RunningProcess } from '../helpers/processes.ts';
import type { Member } from '../helpers/users.ts';
import { writtenContent } from './images-helpers.ts';
import { validPng } from './images-png.ts';

/**
 * A content's images made by a real worker through the fake provider, stored on local disk: prompts with alt text,
 * featured plus in-article images, files served per account, charged once, resumed after a SIGKILL without painting
 * or paying twice, one image regenerated while the others stay, alt text and title edits.
 */
let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
let dataDir: string;
const billing = () => t.services.billing;
const account = (credits: number) => memberWithFakeAi(t, fake, credits);
const mediaFile = (key: string) => path.join(dataDir, 'media', ...key.split('/'));

const api = (member: Member, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, key?: string) =>
  t.app.inject({
    method,
    url: `/api/v1/writer${url}`,
    headers: { ...member.headers, ...(key ? { 'idempotency-key': key } : {}) },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const job = async (member: Member, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: member.headers })).json().data;
const finished = (member: Member, id: string, timeout = 60_000) =>
  eventually(async () => {
    const j = await job(member, id);
    if (j.status === 'failed') throw new Error(JSON.stringify(j.error));
    return j.status === 'succeeded' ? j : undefined;
  }, timeout);
const imageRequests = () => fake.requests.filter((r) => r.path === '/v1/images/generations');
const promptOf = (r: { body: unknown }) => String((r.body as { prompt?: string }).prompt);

/** Credits of the job's successful provider calls, priced as the engine prices them. */
async function aiCallCredits(jobId: string) {
  const calls = await t.db.prisma.aiCall.findMany({ where: { jobRunId: jobId, status: 'ok' } });
  const pricing = { creditsPerUsd: t.config.CREDITS_PER_USD, markup: t.config.CREDIT_MARKUP };
  return { calls, credits: calls.reduce((n, c) => n + creditsFor(c.costMicros, pricing), 0) };
}

/** What each settled hold of the account captured. */
const captured = async (member: Member) =>
  (await t.db.prisma.creditHold.findMany({ where: { accountId: member.accountId, status: 'settled' } })).map(
    (h) => h.captured,
  );

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'igny8-images-'));
  t = await createTestApp({ ...FAKE_AI_ENV, DATA_DIR: dataDir });
  fake = await startFakeAi();
});
beforeEach(() => fake.reset());
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await fake?.close();
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('starting image generation (no worker yet)', () => {
  it('answers 402 when the credits are short and writes nothing', async () => {
    const poor = await account(1);
    const c = await writtenContent(t, poor);
    const res = await api(poor, 'POST', `/contents/${c.contentId}/images/generate`, {});
    expect(res.statusCode).toBe(402);
    expect(res.json().code).toBe('INSUFFICIENT_CREDITS');
    expect(await t.db.prisma.jobRun.count({ where: { accountId: poor.accountId } })).toBe(0);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: poor.accountId } })).toBe(0);
  });

  it('answers 409 with a clear message when the content has no text yet', async () => {
    const member = await account(10_000);
    const c = await writtenContent(t, member, { withVersion: false });
    const res = await api(member, 'POST', `/contents/${c.contentId}/images/generate`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe(`Content ${c.contentId} has no text yet: write it first, then generate its images.`);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: member.accountId } })).toBe(0);
  });

  it('holds prompts plus one picture per image; the same Idempotency-Key gives the same job, another body 409', async () => {
    const member = await account(100_000);
    const c = await writtenContent(t, member, { imageCount: 3 });
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        api(member, 'POST', `/contents/${c.contentId}/images/generate`, { style: 'watercolour' }, 'images-key-01'),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.json().data.jobId)).size).toBe(1);
    const started = answers[0]!.json().data;
    expect(started.model).toBe('openai/gpt-4.1-mini, openai/gpt-image-1');
    expect(started.pollUrl).toBe(`/api/v1/jobs/${started.jobId}`);
    // Held: the prompts call plus one gpt-image-1 picture per image (featured + 3) at the model's price.
    const model = await t.db.prisma.aiModel.findFirstOrThrow({ where: { provider: 'openai', modelId: 'gpt-image-1' } });
    const picture = creditsFor(model.imageMicros, {
      creditsPerUsd: t.config.CREDITS_PER_USD,
      markup: t.config.CREDIT_MARKUP,
    });
    expect(started.heldCredits).toBeGreaterThan(4 * picture);
    const hold = await t.db.prisma.creditHold.findFirstOrThrow({ where: { accountId: member.accountId } });
    expect(hold.amount).toBe(started.heldCredits);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: member.accountId } })).toBe(1);
    const conflict = await api(member, 'POST', `/contents/${c.contentId}/images/generate`, {}, 'images-key-01');
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Cancelled while queued: the hold goes back (and no worker later runs it).
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${started.jobId}/cancel`,
      headers: member.headers,
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(await billing().balance(member.accountId)).toBe(100_000);
  });

  it("answers 404 for another account's content and images, on every route", async () => {
    const owner = await account(10_000);
    const stranger = await account(10_000);
    const c = await writtenContent(t, owner);
    const image = await t.db.prisma.contentImage.create({
      data: {
        accountId: owner.accountId,
        contentId: c.contentId,
        role: 'featured',
        position: 0,
        prompt: 'A trail runner on a ridge at dawn',
        altText: 'A runner on a ridge',
        title: 'Featured',
      },
    });
    for (const [method, url, body] of [
      ['POST', `/contents/${c.contentId}/images/generate`, {}],
      ['GET', `/contents/${c.contentId}/images`, undefined],
      ['GET', `/images/${image.id}`, undefined],
      ['GET', `/images/${image.id}/file`, undefined],
      ['PATCH', `/images/${image.id}`, { altText: 'Stolen' }],
      ['POST', `/images/${image.id}/regenerate`, {}],
    ] as const) {
      const res = await api(stranger, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    expect((await t.db.prisma.contentImage.findUniqueOrThrow({ where: { id: image.id } })).altText).toBe(
      'A runner on a ridge',
    );
    // The owner sees it, but its file is not there until it is generated.
    expect((await api(owner, 'GET', `/images/${image.id}`)).json().data).toMatchObject({
      status: 'pending',
      fileUrl: null,
    });
    const file = await api(owner, 'GET', `/images/${image.id}/file`);
    expect(file.statusCode).toBe(404);
    expect(file.json().error).toBe(`Image ${image.id} has no file yet (it is pending).`);
    expect(await t.db.prisma.jobRun.count({ where: { accountId: stranger.accountId } })).toBe(0);
  });

  it('lets a writer:read API key list and read images but not start, edit or regenerate them', async () => {
    const member = await account(10_000);
    const c = await writtenContent(t, member);
    const image = await t.db.prisma.contentImage.create({
      data: {
        accountId: member.accountId,
        contentId: c.contentId,
        role: 'featured',
        position: 0,
        prompt: 'A trail runner on a ridge at dawn',
        altText: 'A runner on a ridge',
        title: 'Featured',
      },
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: member.headers,
      payload: { name: 'reader', scopes: ['writer:read'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const reader = { ...member, headers: { authorization: `Bearer ${created.json().data.key}` } };
    expect((await api(reader, 'GET', `/contents/${c.contentId}/images`)).statusCode).toBe(200);
    expect((await api(reader, 'GET', `/images/${image.id}`)).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['POST', `/contents/${c.contentId}/images/generate`, {}],
      ['PATCH', `/images/${image.id}`, { altText: 'Changed' }],
      ['POST', `/images/${image.id}/regenerate`, {}],
    ] as const) {
      const res = await api(reader, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: { scope: 'writer:write' } });
    }
  });

  it('refuses bad alt text and titles, naming the field', async () => {
    const member = await account(0);
    const c = await writtenContent(t, member);
    const image = await t.db.prisma.contentImage.create({
      data: {
        accountId: member.accountId,
        contentId: c.contentId,
        role: 'featured',
        position: 0,
        prompt: 'A trail runner on a ridge at dawn',
        altText: 'A runner on a ridge',
        title: 'Featured',
      },
    });
    const cases: [object, string, RegExp][] = [
      [{ altText: '   ' }, 'altText', /must not be empty/],
      [{ altText: 'x'.repeat(251) }, 'altText', /at most 250 characters/],
      [{ title: 'x'.repeat(201) }, 'title', /at most 200 characters/],
      [{ title: '' }, 'title', /must not be empty/],
      [{}, '', /send altText, title or both/],
    ];
    for (const [body, field, message] of cases) {
      const res = await api(member, 'PATCH', `/images/${image.id}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      const fields = res.json().details.fields as { field: string; message: string }[];
      expect(fields).toHaveLength(1);
      expect(fields[0]!.field).toBe(field);
      expect(fields[0]!.message).toMatch(message);
    }
    const edited = await api(member, 'PATCH', `/images/${image.id}`, {
      altText: '  A runner crossing a muddy ridge at dawn  ',
      title: 'Ridge run',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().data).toMatchObject({
      altText: 'A runner crossing a muddy ridge at dawn',
      title: 'Ridge run',
    });
    const titleOnly = await api(member, 'PATCH', `/images/${image.id}`, { title: 'Ridge' });
    expect(titleOnly.json().data).toMatchObject({ altText: 'A runner crossing a muddy ridge at dawn', title: 'Ridge' });
  });
});

describe('image generation on a worker', () => {
  beforeAll(async () => {
    worker = await startWorkerProcess(t, { DATA_DIR: dataDir });
  });

  it('makes the featured and every in-article image with alt text, stores valid PNGs and charges once', async () => {
    const member = await account(10_000);
    const c = await writtenContent(t, member, { imageCount: 2 });
    const res = await api(member, 'POST', `/contents/${c.contentId}/images/generate`);
    expect(res.statusCode, res.body).toBe(202);
    const { jobId, heldCredits } = res.json().data;
    const done = await finished(member, jobId);
    expect(done.result).toMatchObject({ contentId: c.contentId, generated: 3, failed: 0, taskStatus: 'review' });

    const list = await api(member, 'GET', `/contents/${c.contentId}/images`);
    expect(list.statusCode).toBe(200);
    const images = list.json().data as {
      id: string;
      role: string;
      position: number;
      altText: string;
      title: string;
      prompt: string;
      status: string;
      fileUrl: string;
      mimeType: string;
      bytes: number;
      width: number;
      height: number;
      jobId: string;
    }[];
    expect(images.map((i) => [i.role, i.position, i.status])).toEqual([
      ['featured', 0, 'generated'],
      ['inline', 1, 'generated'],
      ['inline', 2, 'generated'],
    ]);
    for (const image of images) {
      expect(image.altText.trim().length).toBeGreaterThan(0);
      expect(image.altText.length).toBeLessThanOrEqual(250);
      expect(image.title.length).toBeGreaterThan(0);
      expect(image).toMatchObject({ mimeType: 'image/png', jobId, fileUrl: `/api/v1/writer/images/${image.id}/file` });
      // The file on disk under <account>/<content>/<image>.png is a whole PNG of the recorded size.
      const row = await t.db.prisma.contentImage.findUniqueOrThrow({ where: { id: image.id } });
      expect(row).toMatchObject({ storage: 'local', storageKey: `${member.accountId}/${c.contentId}/${image.id}.png` });
      const onDisk = await readFile(mediaFile(row.storageKey!));
      expect(validPng(onDisk)).toEqual({ width: image.width, height: image.height });
      expect(onDisk.length).toBe(image.bytes);
      // And the API serves the same bytes with their type.
      const file = await t.app.inject({ method: 'GET', url: image.fileUrl, headers: member.headers });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.rawPayload.equals(onDisk)).toBe(true);
    }
    // One prompts call, then one picture per image, each from its own prompt.
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions' || r.path === '/v1/responses')).toHaveLength(
      1,
    );
    expect(imageRequests().map((r) => promptOf(r).split('. Style: ')[0])).toEqual(images.map((i) => i.prompt));
    expect(promptOf(imageRequests()[0]!)).toContain('Style: natural photograph');

    // Charged once, exactly what the provider calls cost, never more than held.
    const { calls, credits } = await aiCallCredits(jobId);
    expect(calls.map((call) => call.function).sort()).toEqual([
      'generate_image_prompts',
      'generate_images',
      'generate_images',
      'generate_images',
    ]);
    expect(done.result.credits).toBe(credits);
    expect(credits).toBeLessThanOrEqual(heldCredits);
    expect(await captured(member)).toEqual([credits]);
    expect(await billing().balance(member.accountId)).toBe(10_000 - credits);
    expect(await t.db.prisma.task.findUniqueOrThrow({ where: { id: c.taskId } })).toMatchObject({
      status: 'review',
      lastJobRunId: jobId,
    });

    // Generating again replaces the set: new ids, and the old files are gone once the new ones are stored.
    const again = await api(member, 'POST', `/contents/${c.contentId}/images/generate`, { style: 'line drawing' });
    await finished(member, again.json().data.jobId);
    const next = (await api(member, 'GET', `/contents/${c.contentId}/images`)).json().data as { id: string }[];
    expect(next).toHaveLength(3);
    expect(next.some((n) => images.some((i) => i.id === n.id))).toBe(false);
    expect((await readdir(path.join(dataDir, 'media', member.accountId, c.contentId))).sort()).toEqual(
      next.map((n) => `${n.id}.png`).sort(),
    );
  });

  it('starts one run when requests for one content arrive at once: the others answer 409, nothing collides', async () => {
    const member = await account(100_000);
    const c = await writtenContent(t, member, { imageCount: 1 });
    const port = await listenOnTestPort(t.app);
    // Real concurrent HTTP requests, with different bodies so no Idempotency-Key could merge them.
    const styles = ['watercolour', 'pencil sketch', 'natural photograph', 'isometric'];
    const answers = await Promise.all(
      styles.map(async (style) => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/writer/contents/${c.contentId}/images/generate`, {
          method: 'POST',
          headers: { ...member.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ style }),
        });
        return { status: res.status, body: await res.json() };
      }),
    );
    const accepted = answers.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    const { jobId } = accepted[0]!.body.data;
    const refused = answers.filter((a) => a.status !== 202);
    expect(refused).toHaveLength(3);
    for (const answer of refused) {
      expect(answer).toMatchObject({
        status: 409,
        body: {
          success: false,
          code: 'JOB_IN_PROGRESS',
          error:
            `Images for content ${c.contentId} are already being made (job ${jobId}): wait for that job to finish, ` +
            'or cancel it, before starting again.',
          details: { jobId },
        },
      });
    }
    // One job, one hold; it runs once, without a retry, and makes the images.
    const done = await finished(member, jobId);
    expect(done).toMatchObject({ attempts: 1, result: { generated: 2, failed: 0 } });
    expect(await t.db.prisma.jobRun.count({ where: { accountId: member.accountId } })).toBe(1);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: member.accountId } })).toBe(1);
    // Once that run is over, the content's images can be made again.
    const again = await api(member, 'POST', `/contents/${c.contentId}/images/generate`, { style: 'pencil sketch' });
    expect(again.statusCode, again.body).toBe(202);
    await finished(member, again.json().data.jobId);
  });

  it('a generic AI image run (POST /ai/runs, generate_images) stores its file in the media storage', async () => {
    const member = await account(10_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ai/runs',
      headers: member.headers,
      payload: { function: 'generate_images', input: { prompt: 'A pair of blue running shoes on a forest trail' } },
    });
    expect(res.statusCode, res.body).toBe(202);
    const jobId = res.json().data.jobId as string;
    const done = await finished(member, jobId);
    const key = `${member.accountId}/${jobId}.png`;
    expect(done.result.output).toMatchObject({ file: key, mimeType: 'image/png', storage: 'local' });
    const bytes = await readFile(mediaFile(key));
    expect(bytes.length).toBe(done.result.output.bytes);
    validPng(bytes);
  });

  it('regenerates one image from a new prompt, keeping the others and the old file until the new one exists', async () => {
    const member = await account(10_000);
    const c = await writtenContent(t, member, { imageCount: 2 });
    const first = await api(member, 'POST', `/contents/${c.contentId}/images/generate`);
    await finished(member, first.json().data.jobId);
    const before = (await api(member, 'GET', `/contents/${c.contentId}/images`)).json().data as {
      id: string;
      position: number;
      altText: string;
      bytes: number;
    }[];
    const target = before[1]!;
    await api(member, 'PATCH', `/images/${target.id}`, { altText: 'A close-up of a shoe sole with deep lugs' });
    const balance = await billing().balance(member.accountId);
    fake.reset();

    const res = await api(member, 'POST', `/images/${target.id}/regenerate`, {
      prompt: 'A close-up of a trail shoe sole with deep lugs in wet mud',
    });
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(member, res.json().data.jobId);
    expect(done.result).toMatchObject({ replacedImageId: target.id, imageId: done.id });
    expect(imageRequests().map(promptOf)).toHaveLength(1);
    expect(promptOf(imageRequests()[0]!)).toContain('A close-up of a trail shoe sole with deep lugs in wet mud');

    const after = (await api(member, 'GET', `/contents/${c.contentId}/images`)).json().data as {
      id: string;
      position: number;
      altText: string;
      prompt: string;
      status: string;
    }[];
    expect(after.map((a) => a.id)).toEqual([before[0]!.id, done.id, before[2]!.id]);
    expect(after[1]).toMatchObject({
      position: 1,
      status: 'generated',
      prompt: 'A close-up of a trail shoe sole with deep lugs in wet mud',
      // The edited alt text carries over to the new picture.
      altText: 'A close-up of a shoe sole with deep lugs',
    });
    expect((await api(member, 'GET', `/images/${target.id}`)).statusCode).toBe(404);
    const files = await readdir(path.join(dataDir, 'media', member.accountId, c.contentId));
    expect(files.sort()).toEqual(after.map((a) => `${a.id}.png`).sort());
    validPng(await readFile(path.join(dataDir, 'media', member.accountId, c.contentId, `${done.id}.png`)));
    const { credits } = await aiCallCredits(done.id);
    expect(done.result.credits).toBe(credits);
    expect(await billing().balance(member.accountId)).toBe(balance - credits);
  });

  it('an image the provider refuses fails alone with a reason; regenerating it then moves the task to review', async () => {
    const member = await account(10_000);
    const c = await writtenContent(t, member, { imageCount: 2 });
    fake.setKnobs({
      failNext: [
        { status: 400, path: '/v1/images/generations', message: 'Your request was rejected by the safety system.' },
      ],
    });
    const res = await api(member, 'POST', `/contents/${c.contentId}/images/generate`);
    const done = await finished(member, res.json().data.jobId);
    expect(done.result).toMatchObject({ generated: 2, failed: 1, taskStatus: null });
    const images = (await api(member, 'GET', `/contents/${c.contentId}/images`)).json().data as {
      id: string;
      status: string;
      error: string | null;
    }[];
    expect(images.map((i) => i.status)).toEqual(['failed', 'generated', 'generated']);
    expect(images[0]!.error).toMatch(/^The image could not be made: /);
    expect((await t.db.prisma.task.findUniqueOrThrow({ where: { id: c.taskId } })).status).toBe('written');
    // Only what was made is charged.
    expect(done.result.credits).toBe((await aiCallCredits(done.id)).credits);

    const again = await api(member, 'POST', `/images/${images[0]!.id}/regenerate`);
    const redone = await finished(member, again.json().data.jobId);
    expect(redone.result.taskStatus).toBe('review');
    const after = (await api(member, 'GET', `/contents/${c.contentId}/images`)).json().data as { status: string }[];
    expect(after.map((i) => i.status)).toEqual(['generated', 'generated', 'generated']);
  });

  it('a quota error fails the job, releases the hold and leaves unfinished images failed with the reason', async () => {
    const member = await account(10_000);
    const c = await writtenContent(t, member, { imageCount: 1 });
    const first = await api(member, 'POST', `/contents/${c.contentId}/images/generate`);
    await finished(member, first.json().data.jobId);
    const balance = await billing().balance(member.accountId);
    fake.reset();
    fake.setKnobs({ failNext: [{ kind: 'quota', path: '/v1/images/generations' }] });
    const res = await api(member, 'POST', `/contents/${c.contentId}/images/generate`);
    const failed = await eventually(async () => {
      const j = await job(member, res.json().data.jobId);
      return j.status === 'failed' ? j : undefined;
    }, 30_000);
    expect(failed.error.code).toBe('AI_QUOTA_EXHAUSTED');
    expect(await billing().balance(member.accountId)).toBe(balance);
    const rows = await t.db.prisma.contentImage.findMany({
      where: { contentId: c.contentId },
      orderBy: { position: 'asc' },
    });
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed']);
    for (const row of rows) expect(row.error).toMatch(/^Not made: .*quota/);
    // The replaced images' rows went with the new set, and so did their files.
    expect(await readdir(path.join(dataDir, 'media', member.accountId, c.contentId))).toEqual([]);
    // The task had moved to review with the first set; a failed second set does not move it back.
    expect((await t.db.prisma.task.findUniqueOrThrow({ where: { id: c.taskId } })).status).toBe('review');
  });

  it('a worker killed between images resumes without painting finished images again or paying twice', async () => {
    const member = await account(10_000);
    const c = await writtenContent(t, member, { imageCount: 3 });
    fake.setKnobs({ latencyMs: 1_500 });
    const res = await api(member, 'POST', `/contents/${c.contentId}/images/generate`);
    const { jobId } = res.json().data;
    const early = await eventually(async () => {
      const rows = await t.db.prisma.contentImage.findMany({ where: { contentId: c.contentId, status: 'generated' } });
      return rows.length >= 1 ? rows : undefined;
    }, 30_000);
    worker!.child.kill('SIGKILL');
    await worker!.exited;
    fake.setKnobs({ latencyMs: 0 });
    worker = await startWorkerProcess(t, { DATA_DIR: dataDir });
    const done = await finished(member, jobId, 100_000);
    expect(done.attempts).toBe(2);
    expect(done.result).toMatchObject({ generated: 4, failed: 0, taskStatus: 'review' });

    // Images finished before the kill were painted once; at most the one in flight was asked for again.
    const prompts = imageRequests().map(promptOf);
    for (const image of early) expect(prompts.filter((p) => p.startsWith(`${image.prompt}.`))).toHaveLength(1);
    expect(prompts.length).toBeGreaterThanOrEqual(4);
    expect(prompts.length).toBeLessThanOrEqual(5);
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions' || r.path === '/v1/responses')).toHaveLength(
      1,
    );
    const rows = await t.db.prisma.contentImage.findMany({ where: { contentId: c.contentId } });
    for (const image of early) {
      expect(rows.find((r) => r.id === image.id)).toMatchObject({ status: 'generated', bytes: image.bytes });
    }
    // Charged once: one capture, equal to the calls that made the kept images.
    expect(await captured(member)).toEqual([done.result.credits]);
    expect(await t.db.prisma.creditLedgerEntry.count({ where: { accountId: member.accountId, kind: 'capture' } })).toBe(
      1,
    );
    expect(done.result.credits).toBe((await aiCallCredits(jobId)).credits);
    expect(await billing().balance(member.accountId)).toBe(10_000 - done.result.credits);
  }, 150_000);
});
