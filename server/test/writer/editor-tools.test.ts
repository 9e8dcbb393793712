import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { creditsFor } from '../../src/modules/ai/engine.ts';
import { signedUrlWithActor } from '../../src/modules/auth/site-principal.ts';
import { VECTORS } from '../fixtures/writer/xss.ts';
import { blocksOf, problemsIn } from './content/helpers.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { memberWithFakeAi, startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { FakeSite } from '../helpers/fake-site.ts';
import { eventually, type RunningProcess } from '../helpers/processes.ts';
import type { Member } from '../helpers/users.ts';
import { siteWithSector } from '../planner/helpers.ts';
import { jobDone, jobEnded, writerApi } from './helpers.ts';
import { validPng } from './images-png.ts';

/**
 * The block editor's AI tools through a real worker and the fake provider: one block rewritten (improve or
 * regenerate) into markup of the same block type, sanitized, charged once; a featured image made for a post, its
 * file served to the account and to the site's signed requests.
 */
let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
let dataDir: string;
let api: ReturnType<typeof writerApi>;
const billing = () => t.services.billing;
const account = (credits: number) => memberWithFakeAi(t, fake, credits);

const PARAGRAPH =
  '<p>Trail shoes grips wet rock becuase of there deep lugs and a sticky rubber sole, so you can run downhill ' +
  'without sliding.</p>';

async function siteOf(member: Member) {
  return (await siteWithSector(t, member)).siteId;
}

/** The fake requests that asked for a block rewrite. */
const rewriteRequests = () => fake.requests.filter((r) => JSON.stringify(r.body).includes(' of the article'));

/** Credits of a job's successful provider calls, priced as the engine prices them. */
async function aiCallCredits(jobId: string) {
  const calls = await t.db.prisma.aiCall.findMany({ where: { jobRunId: jobId, status: 'ok' } });
  const pricing = { creditsPerUsd: t.config.CREDITS_PER_USD, markup: t.config.CREDIT_MARKUP };
  return { calls, credits: calls.reduce((n, c) => n + creditsFor(c.costMicros, pricing), 0) };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'igny8-editor-'));
  t = await createTestApp({ DATA_DIR: dataDir, ALLOW_PRIVATE_SITE_URLS: 'true' });
  fake = await startFakeAi();
  api = writerApi(t);
});
beforeEach(() => fake.reset());
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await fake?.close();
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('starting a block rewrite (no worker yet)', () => {
  it('estimates what the rewrite then holds, creating nothing; a longer block costs more', async () => {
    const member = await account(1_000_000);
    const siteId = await siteOf(member);
    const body = { siteId, mode: 'improve', blockName: 'core/paragraph', html: PARAGRAPH, keyword: 'trail shoes' };
    const estimate = await api(member, 'POST', '/blocks/estimate', body);
    expect(estimate.statusCode, estimate.body).toBe(200);
    const { credits, model } = estimate.json().data;
    expect(credits).toBeGreaterThan(0);
    expect(model).toMatch(/\//);
    expect(await t.db.prisma.jobRun.count({ where: { accountId: member.accountId } })).toBe(0);
    const long = await api(member, 'POST', '/blocks/estimate', { ...body, html: `<p>${'word '.repeat(2000)}</p>` });
    expect(long.json().data.credits).toBeGreaterThan(credits);

    const key = { 'idempotency-key': 'rewrite-block-0001' };
    const started = await api(member, 'POST', '/blocks/rewrite', body, key);
    expect(started.statusCode, started.body).toBe(202);
    const accepted = started.json().data;
    expect(accepted).toMatchObject({ heldCredits: credits, model, status: 'queued' });
    expect(accepted.pollUrl).toBe(`/api/v1/jobs/${accepted.jobId}`);
    // The same key and body: the same job, one hold; the same key with another body: 409.
    const again = await api(member, 'POST', '/blocks/rewrite', body, key);
    expect(again.statusCode).toBe(202);
    expect(again.json().data.jobId).toBe(accepted.jobId);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: member.accountId } })).toBe(1);
    const other = await api(member, 'POST', '/blocks/rewrite', { ...body, mode: 'regenerate' }, key);
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Cancelled while queued (no worker yet): the hold goes back, and no later test sees its provider call.
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${accepted.jobId}/cancel`,
      headers: member.headers,
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    await eventually(async () => (await billing().balance(member.accountId)) === 1_000_000, 20_000);
  });

  it('refuses other blocks naming the ones it can rewrite, and a block without text', async () => {
    const member = await account(1_000_000);
    const siteId = await siteOf(member);
    const image = await api(member, 'POST', '/blocks/rewrite', {
      siteId,
      mode: 'improve',
      blockName: 'core/image',
      html: '<figure><img src="https://example.com/a.png" alt=""/></figure>',
    });
    expect(image.statusCode).toBe(422);
    expect(image.json().details.fields).toEqual([
      expect.objectContaining({
        field: 'blockName',
        message: expect.stringMatching(/only core\/paragraph, core\/heading, core\/list, core\/quote blocks can/),
      }),
    ]);
    const empty = await api(member, 'POST', '/blocks/estimate', {
      siteId,
      mode: 'improve',
      blockName: 'core/paragraph',
      html: '<p> <br> </p>',
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().details.fields[0]).toMatchObject({ field: 'html', message: /no text to improve/ });
    const tooLong = await api(member, 'POST', '/blocks/estimate', {
      siteId,
      mode: 'regenerate',
      blockName: 'core/paragraph',
      html: 'x'.repeat(20_001),
    });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().details.fields[0].field).toBe('html');
    expect(await t.db.prisma.jobRun.count({ where: { accountId: member.accountId } })).toBe(0);
  });

  it('answers 402 when credits are short, and 404 for another account\u2019s site', async () => {
    const poor = await account(1);
    const body = { siteId: await siteOf(poor), mode: 'improve', blockName: 'core/paragraph', html: PARAGRAPH };
    const short = await api(poor, 'POST', '/blocks/rewrite', body);
    expect(short.statusCode).toBe(402);
    expect(short.json().code).toBe('INSUFFICIENT_CREDITS');
    const images = await api(poor, 'POST', '/editor-images', { siteId: body.siteId, prompt: 'A trail in the fog' });
    expect(images.statusCode).toBe(402);
    expect(await t.db.prisma.jobRun.count({ where: { accountId: poor.accountId } })).toBe(0);
    expect(await t.db.prisma.editorImage.count({ where: { accountId: poor.accountId } })).toBe(0);

    const mallory = await account(1_000_000);
    for (const url of ['/blocks/estimate', '/blocks/rewrite', '/editor-images/estimate', '/editor-images']) {
      const res = await api(mallory, 'POST', url, { ...body, prompt: 'A stolen image' });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
  });
});

describe('rewriting blocks (with a worker)', () => {
  beforeAll(async () => {
    worker = await startWorkerProcess(t, { DATA_DIR: dataDir });
  });

  it('improves a paragraph into one paragraph block, charged once with what the call cost', async () => {
    const member = await account(1_000_000);
    const siteId = await siteOf(member);
    const res = await api(member, 'POST', '/blocks/rewrite', {
      siteId,
      mode: 'improve',
      blockName: 'core/paragraph',
      html: `<!-- wp:paragraph -->\n${PARAGRAPH}\n<!-- /wp:paragraph -->`,
      postTitle: 'How to choose trail running shoes',
      keyword: 'trail running shoes',
      instruction: 'Make it friendlier',
      language: 'de',
    });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId, heldCredits } = res.json().data;
    const job = await jobDone(t, member, jobId);
    const markup: string = job.result.markup;
    expect(markup).toMatch(/^<!-- wp:paragraph -->\n<p>[^\n]+<\/p>\n<!-- \/wp:paragraph -->$/);
    expect(blocksOf(markup).map((b) => b.blockName)).toEqual(['core/paragraph']);
    expect(problemsIn(markup)).toEqual([]);
    expect(job.result).toMatchObject({ blockName: 'core/paragraph', demo: false });

    // One provider call that saw the block, the mode, the keyword, the instruction and the language asked for.
    expect(rewriteRequests()).toHaveLength(1);
    const sent = JSON.stringify(rewriteRequests()[0]!.body);
    expect(sent).toContain('Improve this paragraph of the article');
    expect(sent).toContain('becuase of there deep lugs');
    expect(sent).toContain('trail running shoes');
    expect(sent).toContain('The writer asks: Make it friendlier');
    expect(sent).toContain('Write in de');

    const { calls, credits } = await aiCallCredits(jobId);
    expect(calls).toHaveLength(1);
    expect(job.result.credits).toBe(credits);
    expect(credits).toBeLessThanOrEqual(heldCredits);
    const hold = await t.db.prisma.creditHold.findUniqueOrThrow({ where: { jobRunId: jobId } });
    expect(hold).toMatchObject({ status: 'settled', captured: credits, operation: 'rewrite_block' });
    expect(await billing().balance(member.accountId)).toBe(1_000_000 - credits);
    // Usage reports block rewrites apart from whole articles.
    const usage = await billing().usage(member.accountId, {
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
      groupBy: 'operation',
    });
    expect(usage.groups).toEqual([expect.objectContaining({ key: 'rewrite_block', credits })]);
  }, 60_000);

  it('regenerates a heading at its level, and a list and a quote as themselves', async () => {
    const member = await account(1_000_000);
    const siteId = await siteOf(member);
    const run = async (blockName: string, html: string, mode = 'regenerate') => {
      const res = await api(member, 'POST', '/blocks/rewrite', {
        siteId,
        mode,
        blockName,
        html,
        postTitle: 'Trail running in winter',
      });
      expect(res.statusCode, res.body).toBe(202);
      return (await jobDone(t, member, res.json().data.jobId)).result.markup as string;
    };
    const h3 = await run('core/heading', '<h3 class="wp-block-heading">Grip on wet rock</h3>');
    expect(h3).toMatch(/^<!-- wp:heading \{"level":3\} -->\n<h3>[^<\n]+<\/h3>\n<!-- \/wp:heading -->$/);
    expect(JSON.stringify(rewriteRequests().at(-1)!.body)).toContain('Write this heading (H3) of the article anew');
    const h2 = await run('core/heading', '<h2>Why grip matters</h2>', 'improve');
    expect(h2).toMatch(/^<!-- wp:heading -->\n<h2>[^<\n]+<\/h2>\n<!-- \/wp:heading -->$/);
    const paragraph = await run('core/paragraph', PARAGRAPH);
    expect(blocksOf(paragraph).map((b) => b.blockName)).toEqual(['core/paragraph']);

    const list = await run('core/list', '<ol><li>Check the lugs</li><li>Try them on wet rock</li></ol>');
    const [listBlock] = blocksOf(list);
    expect(listBlock).toMatchObject({ blockName: 'core/list', attrs: { ordered: true } });
    expect(listBlock!.innerBlocks.length).toBeGreaterThan(0);
    expect(listBlock!.innerBlocks.every((b) => b.blockName === 'core/list-item')).toBe(true);

    const quote = await run(
      'core/quote',
      '<blockquote class="wp-block-quote"><p>Run the hills, not the flats.</p><cite>An old coach</cite></blockquote>',
      'improve',
    );
    expect(blocksOf(quote).map((b) => b.blockName)).toEqual(['core/quote']);
    expect(quote).toContain('<cite>An old coach</cite></blockquote>');
    for (const markup of [h3, h2, paragraph, list]) expect(problemsIn(markup)).toEqual([]);
    // Each rewrite was one call, each charged on its own hold.
    expect(rewriteRequests()).toHaveLength(5);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: member.accountId, status: 'settled' } })).toBe(5);
  }, 90_000);

  it('the XSS corpus planted in the AI answer never reaches the markup or the job steps', async () => {
    const member = await account(1_000_000);
    const siteId = await siteOf(member);
    const corpus = VECTORS.map(([, v]) => v).join('\n');
    for (const [blockName, html] of [
      ['core/paragraph', PARAGRAPH],
      ['core/list', '<ul><li>Lugs</li><li>Rubber</li></ul>'],
      ['core/quote', '<blockquote><p>Run light.</p></blockquote>'],
    ] as const) {
      fake.setKnobs({ plantHtml: { text: corpus, count: 1 } });
      const res = await api(member, 'POST', '/blocks/rewrite', {
        siteId,
        mode: 'improve',
        blockName,
        // Long enough for the fake to fit the corpus under the output limit.
        html: `${html}<p>${'More words about grip and trail shoes. '.repeat(60)}</p>`,
      });
      expect(res.statusCode, res.body).toBe(202);
      const job = await jobDone(t, member, res.json().data.jobId);
      expect(fake.knobs.plantHtml?.count ?? 0, blockName).toBe(0);
      const markup: string = job.result.markup;
      expect(blocksOf(markup), blockName).toHaveLength(1);
      expect(problemsIn(markup), blockName).toEqual([]);
      expect(markup).not.toMatch(/<script|<iframe|<object|<embed|<svg|<style|<form|javascript:|vbscript:|\son\w+=/i);
      expect(markup).not.toMatch(/style=|srcdoc|data:text/i);
      const run = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: res.json().data.jobId } });
      expect(JSON.stringify(run.steps)).not.toMatch(/<script|onerror=|javascript:/i);
    }
  }, 90_000);

  it('malformed AI output fails the job with a reason in the product\u2019s words and releases the credits', async () => {
    const member = await account(1_000_000);
    const siteId = await siteOf(member);
    // The answer is broken, and so is the one repair the engine asks for.
    fake.setKnobs({ malformedNext: 2 });
    const res = await api(member, 'POST', '/blocks/rewrite', {
      siteId,
      mode: 'improve',
      blockName: 'core/paragraph',
      html: PARAGRAPH,
    });
    expect(res.statusCode, res.body).toBe(202);
    const job = await jobEnded(t, member, res.json().data.jobId);
    expect(job.status).toBe('failed');
    expect(job.error.message).toMatch(
      /^Rewriting the paragraph failed: The model's answer did not have the expected structure.* No credits were charged\.$/,
    );
    await eventually(async () => (await billing().balance(member.accountId)) === 1_000_000, 20_000);
    const hold = await t.db.prisma.creditHold.findUniqueOrThrow({ where: { jobRunId: job.id } });
    // Settled with nothing captured: the whole hold went back.
    expect(hold).toMatchObject({ status: 'settled', captured: 0 });
  }, 60_000);

  it('a worker killed during the provider call asks again after the restart and charges once', async () => {
    const member = await account(1_000_000);
    const siteId = await siteOf(member);
    fake.setKnobs({ latencyMs: 2_000 });
    const res = await api(member, 'POST', '/blocks/rewrite', {
      siteId,
      mode: 'regenerate',
      blockName: 'core/paragraph',
      html: PARAGRAPH,
    });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId, heldCredits } = res.json().data;
    await eventually(async () => rewriteRequests().length === 1, 30_000, 20);
    worker!.child.kill('SIGKILL');
    await worker!.exited;
    fake.setKnobs({ latencyMs: 0 });
    worker = await startWorkerProcess(t, { DATA_DIR: dataDir });
    const job = await jobDone(t, member, jobId, 90_000);
    expect(job.attempts).toBe(2);
    // Asked twice (the first answer died with the worker), one answered call recorded and charged, one capture.
    expect(rewriteRequests()).toHaveLength(2);
    const { calls, credits } = await aiCallCredits(jobId);
    expect(calls).toHaveLength(1);
    expect(credits).toBeLessThanOrEqual(heldCredits);
    expect(await t.db.prisma.creditLedgerEntry.count({ where: { accountId: member.accountId, kind: 'capture' } })).toBe(
      1,
    );
    expect(await billing().balance(member.accountId)).toBe(1_000_000 - credits);
    expect(job.result.credits).toBe(credits);
  }, 150_000);
});

describe('editor images (with a worker)', () => {
  let site: FakeSite;

  beforeAll(async () => {
    worker ??= await startWorkerProcess(t, { DATA_DIR: dataDir });
    site = await new FakeSite().start();
  });
  afterAll(async () => {
    await site?.close();
  });

  /** A signed request of the site for WordPress user 7 (an editor), as the plugin's ServerClient sends it. */
  function asSite(method: 'GET' | 'POST', url: string, body?: object) {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const signed = signedUrlWithActor(`http://localhost:80${url}`, { level: 'editor', wpUserId: 7 });
    return t.app.inject({
      method,
      url,
      headers: {
        ...site.sign(method, signed, payload),
        'x-igny8-wp-role': 'editor',
        'x-igny8-wp-user': '7',
        ...(payload ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload ? { payload } : {}),
    });
  }

  it('makes an image from a prompt, serves its PNG to the account and to its site; others get 404', async () => {
    const member = await account(1_000_000);
    const connectionKey = (
      await t.app.inject({ method: 'POST', url: '/api/v1/connection-keys', headers: member.headers })
    ).json().data.key;
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/register',
      payload: site.registerBody(connectionKey),
    });
    expect(registered.statusCode, registered.body).toBe(201);
    site.accept(registered.json().data);
    const siteId = site.siteId!;

    const body = { siteId, prompt: 'A muddy mountain trail at dawn, runners in the distance', wpPostId: 42 };
    const estimate = await api(member, 'POST', '/editor-images/estimate', body);
    expect(estimate.statusCode, estimate.body).toBe(200);
    const key = { 'idempotency-key': 'editor-image-0001' };
    const res = await api(member, 'POST', '/editor-images', body, key);
    expect(res.statusCode, res.body).toBe(202);
    const accepted = res.json().data;
    expect(accepted).toMatchObject({ heldCredits: estimate.json().data.credits, model: estimate.json().data.model });
    expect(accepted.editorImageId).toBe(accepted.jobId);
    const again = await api(member, 'POST', '/editor-images', body, key);
    expect(again.json().data.editorImageId).toBe(accepted.editorImageId);

    const job = await jobDone(t, member, accepted.jobId);
    expect(job.result).toMatchObject({
      editorImageId: accepted.editorImageId,
      fileUrl: `/api/v1/writer/editor-images/${accepted.editorImageId}/file`,
    });
    const image = (await api(member, 'GET', `/editor-images/${accepted.editorImageId}`)).json().data;
    expect(image).toMatchObject({
      id: accepted.editorImageId,
      siteId,
      wpPostId: 42,
      status: 'generated',
      mimeType: 'image/png',
      error: null,
      // Derived from the prompt when none is given.
      altText: 'A muddy mountain trail at dawn, runners in the distance',
    });
    const file = await api(member, 'GET', `/editor-images/${accepted.editorImageId}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(validPng(file.rawPayload)).toEqual({ width: image.width, height: image.height });
    // The image prompt reached the provider once; the credits were charged once.
    const paints = fake.requests.filter((r) => r.path === '/v1/images/generations');
    expect(paints).toHaveLength(1);
    expect(String((paints[0]!.body as { prompt: string }).prompt)).toContain('A muddy mountain trail at dawn');
    const { credits } = await aiCallCredits(accepted.jobId);
    expect(await billing().balance(member.accountId)).toBe(1_000_000 - credits);

    // The site downloads it with a signed request, as ServerClient::download does for content images.
    const signed = await asSite('GET', `/api/v1/writer/editor-images/${accepted.editorImageId}/file`);
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.rawPayload.equals(file.rawPayload)).toBe(true);
    expect((await asSite('GET', `/api/v1/writer/editor-images/${accepted.editorImageId}`)).json().data.status).toBe(
      'generated',
    );
    // The site can also start a rewrite for an editor; naming another site of the account is 404.
    const rewrite = await asSite('POST', '/api/v1/writer/blocks/estimate', {
      siteId,
      mode: 'improve',
      blockName: 'core/paragraph',
      html: PARAGRAPH,
    });
    expect(rewrite.statusCode, rewrite.body).toBe(200);
    const otherSite = await siteOf(member);
    const elsewhere = await asSite('POST', '/api/v1/writer/editor-images/estimate', { ...body, siteId: otherSite });
    expect(elsewhere.statusCode).toBe(404);

    // Another account sees nothing.
    const mallory = await account(1_000_000);
    for (const url of [`/editor-images/${accepted.editorImageId}`, `/editor-images/${accepted.editorImageId}/file`]) {
      const res404 = await api(mallory, 'GET', url);
      expect(res404.statusCode, url).toBe(404);
      expect(res404.json().code).toBe('NOT_FOUND');
    }
  }, 90_000);

  it('an image the provider refuses fails with the reason; its file is 404; the credits come back', async () => {
    const member = await account(1_000_000);
    const siteId = await siteOf(member);
    fake.setKnobs({ failNext: [{ status: 400, message: 'Your prompt was rejected by the safety system.' }] });
    const res = await api(member, 'POST', '/editor-images', { siteId, prompt: 'Something refused', altText: 'Alt' });
    expect(res.statusCode, res.body).toBe(202);
    const { editorImageId, jobId } = res.json().data;
    const pending = (await api(member, 'GET', `/editor-images/${editorImageId}`)).json().data;
    expect(pending).toMatchObject({ altText: 'Alt', wpPostId: null });
    const job = await jobEnded(t, member, jobId);
    expect(job.status).toBe('failed');
    const image = (await api(member, 'GET', `/editor-images/${editorImageId}`)).json().data;
    expect(image.status).toBe('failed');
    expect(image.error).toMatch(
      /^The image could not be made: OpenAI rejected the request.* No credits were charged\.$/,
    );
    const file = await api(member, 'GET', `/editor-images/${editorImageId}/file`);
    expect(file.statusCode).toBe(404);
    expect(file.json().error).toMatch(/has no file yet \(it is failed: make a new one\)/);
    await eventually(async () => (await billing().balance(member.accountId)) === 1_000_000, 20_000);
  }, 60_000);
});
