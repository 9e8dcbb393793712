import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import {
  connectWordPress,
  fastRetries,
  finished,
  listen,
  seedContent,
  startWordPress,
  startWorker,
  wpAdmin,
  type Harness,
} from './helpers.ts';

let t: TestContext;
let wp: Harness;
let owner: Member;
let worker: JobWorker;
let where: { siteId: string; sectorId: string };
let dataDir: string;

beforeAll(async () => {
  wp = startWordPress();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'igny8-publisher-'));
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true', DATA_DIR: dataDir });
  await fastRetries(t);
  const serverUrl = await listen(t);
  owner = await registerOwner(t.app);
  where = await connectWordPress(t, wp, owner, serverUrl);
  worker = await startWorker(t);
}, 600_000);

afterAll(async () => {
  await worker?.stop();
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function publish(contentId: string, body: Record<string, unknown> = {}, member = owner) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/publisher/contents/${contentId}/publish`,
    headers: member.headers,
    payload: body,
  });
  return res;
}

async function publishAndWait(contentId: string, body: Record<string, unknown> = {}) {
  const res = await publish(contentId, body);
  expect(res.statusCode, res.body).toBe(202);
  const run = await finished(t, res.json().data.jobId);
  expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
  return run;
}

async function publication(contentId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/publisher/contents/${contentId}/publication`,
    headers: owner.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

async function readPost(postId: number) {
  const res = await wpAdmin(wp, 'GET', `wp/v2/posts/${postId}?context=edit`);
  expect(res.status, JSON.stringify(res.data)).toBe(200);
  return res.data;
}

describe('publishing to a real WordPress', () => {
  it('publishes the approved version: content with images and alt text, featured image, terms, SEO meta', async () => {
    const seeded = await seedContent(t, owner, where, {
      faq: [{ question: 'Are trail shoes waterproof?', answer: '<p>Some are, with a membrane.</p>' }],
    });
    const category = `Running ${crypto.randomUUID().slice(0, 6)}`;
    const run = await publishAndWait(seeded.contentId, {
      status: 'publish',
      categories: [category, 'Uncategorized'],
      tags: ['shoes', 'trail'],
    });
    expect(run.steps.map((s: any) => s.name)).toEqual([
      'media 0',
      'media 1',
      'media 2',
      'terms',
      'post',
      'verify',
      'record',
    ]);

    const pub = await publication(seeded.contentId);
    expect(pub).toMatchObject({
      status: 'published',
      wpStatus: 'publish',
      requestedStatus: 'publish',
      publishedVersion: 1,
      lastError: null,
      taskId: seeded.taskId,
      categories: [category, 'Uncategorized'],
      tags: ['shoes', 'trail'],
    });
    expect(pub.url).toMatch(/^http:\/\/127\.0\.0\.1:8893\//);
    const task = await t.db.prisma.task.findUniqueOrThrow({ where: { id: seeded.taskId } });
    expect(task).toMatchObject({ status: 'published', failureReason: null });

    const post = await readPost(pub.postId);
    expect(post.title.raw).toBe(seeded.title);
    expect(post.status).toBe('publish');
    expect(post.slug).toBe(seeded.slug);
    expect(post.link).toBe(pub.url);
    expect(post.excerpt.raw).toBe('How to choose trail running shoes.');
    expect(post.meta).toMatchObject({
      _igny8_content_id: seeded.contentId,
      _igny8_seo_title: `${seeded.title.slice(0, 40)} | SEO`,
      _igny8_seo_description: `Everything about ${seeded.title}: fit, cushioning and drop.`,
    });
    const raw: string = post.content.raw;
    expect(raw).toContain('<!-- wp:heading -->\n<h2>Why fit matters</h2>');
    expect(raw).toContain('<!-- wp:heading {"level":3} -->\n<h3>Drop</h3>');
    expect(raw).toContain('<p>A shoe that fits <strong>well</strong> prevents blisters.</p>');
    expect(raw).toContain('<h2>FAQ</h2>');
    expect(raw).toContain('<h3>Are trail shoes waterproof?</h3>');

    // Featured image: uploaded, with its alt text and title.
    const mediaIds = Object.values(
      (await t.db.prisma.publication.findUniqueOrThrow({ where: { contentId: seeded.contentId } })).media as Record<
        string,
        number
      >,
    );
    expect(mediaIds).toHaveLength(3);
    const featured = seeded.images.find((i) => i.role === 'featured')!;
    expect(post.featured_media).toBeGreaterThan(0);
    const featuredMedia = (await wpAdmin(wp, 'GET', `wp/v2/media/${post.featured_media}?context=edit`)).data;
    expect(featuredMedia).toMatchObject({ alt_text: featured.altText, title: { raw: 'Image 0' }, media_type: 'image' });

    // In-article images: image blocks pointing at the uploaded files, with their alt text, spread between sections.
    for (const image of seeded.images.filter((i) => i.role === 'inline')) {
      const id = (await t.db.prisma.publication.findUniqueOrThrow({ where: { contentId: seeded.contentId } }))
        .media as Record<string, number>;
      const media = (await wpAdmin(wp, 'GET', `wp/v2/media/${id[image.id]}?context=edit`)).data;
      expect(media.alt_text).toBe(image.altText);
      expect(raw).toContain(`<!-- wp:image {"id":${id[image.id]},"sizeSlug":"large"} -->`);
      // kses (the publishing user has no unfiltered_html) writes "<img ... />" with a space: same markup to WordPress.
      expect(raw).toContain(
        `<img src="${media.source_url}" alt="${image.altText}" class="wp-image-${id[image.id]}" />`,
      );
    }
    const outline = [...raw.matchAll(/<h[23]>([^<]*)<\/h[23]>|<!-- wp:image /g)].map((m) => m[1] ?? 'IMAGE');
    expect(outline).toEqual([
      'Why fit matters',
      'IMAGE',
      'Cushioning',
      'Drop',
      'IMAGE',
      'Trying them on',
      'FAQ',
      'Are trail shoes waterproof?',
    ]);

    // Terms by name, created when missing (the category did not exist before).
    const categories = (await wpAdmin(wp, 'GET', `wp/v2/categories?include=${post.categories.join(',')}`)).data;
    expect(categories.map((c: any) => c.name).sort()).toEqual([category, 'Uncategorized'].sort());
    const tags = (await wpAdmin(wp, 'GET', `wp/v2/tags?include=${post.tags.join(',')}`)).data;
    expect(tags.map((c: any) => c.name).sort()).toEqual(['shoes', 'trail']);

    // No SEO plugin on the harness: the plugin prints our title and description on the post's page.
    const page = await fetch(pub.url);
    const html = await page.text();
    expect(html).toContain(`<title>${seeded.title.slice(0, 40)} | SEO</title>`);
    expect(html).toContain(
      `<meta name="description" content="Everything about ${seeded.title}: fit, cushioning and drop." />`,
    );

    // Publishing costs nothing and calls no AI.
    expect(await t.db.prisma.creditLedgerEntry.count({ where: { accountId: owner.accountId } })).toBe(0);
    expect(await t.db.prisma.aiCall.count()).toBe(0);
  });

  it('republishing updates the same post and reuses the uploaded media; draft and scheduled posts', async () => {
    const seeded = await seedContent(t, owner, where, { inlineImages: 1 });
    await publishAndWait(seeded.contentId, { status: 'draft' });
    const first = await publication(seeded.contentId);
    expect(first).toMatchObject({ status: 'draft', wpStatus: 'draft' });
    const mediaBefore = (await t.db.prisma.publication.findUniqueOrThrow({ where: { contentId: seeded.contentId } }))
      .media;

    // A new approved version, published now: the same post, updated.
    await t.db.prisma.contentVersion.create({
      data: {
        contentId: seeded.contentId,
        number: 2,
        source: 'edited',
        title: `${seeded.title} (updated)`,
        seoTitle: 'Updated SEO title',
        metaDescription: 'Updated description.',
        slug: seeded.slug,
        excerpt: 'Updated excerpt.',
        sections: [{ level: 'h2', heading: 'New section', html: '<p>New text.</p>' }],
        body: '',
        wordCount: 2,
      },
    });
    await t.db.prisma.content.update({
      where: { id: seeded.contentId },
      data: { currentVersion: 2, approvedVersion: 2 },
    });
    await publishAndWait(seeded.contentId, { status: 'publish' });
    const second = await publication(seeded.contentId);
    expect(second).toMatchObject({
      postId: first.postId,
      status: 'published',
      wpStatus: 'publish',
      publishedVersion: 2,
    });
    const post = await readPost(first.postId);
    expect(post.title.raw).toBe(`${seeded.title} (updated)`);
    expect(post.content.raw).toContain('<p>New text.</p>');
    expect(post.content.raw).not.toContain('Why fit matters');
    expect(post.meta._igny8_seo_title).toBe('Updated SEO title');
    expect((await t.db.prisma.publication.findUniqueOrThrow({ where: { contentId: seeded.contentId } })).media).toEqual(
      mediaBefore,
    );

    // Scheduled.
    const at = new Date(Date.now() + 7 * 86_400_000);
    at.setUTCMilliseconds(0);
    await publishAndWait(seeded.contentId, { status: 'future', scheduledAt: at.toISOString() });
    const third = await publication(seeded.contentId);
    expect(third).toMatchObject({
      postId: first.postId,
      status: 'scheduled',
      wpStatus: 'future',
      scheduledAt: at.toISOString(),
    });
    const scheduled = await readPost(first.postId);
    expect(new Date(`${scheduled.date_gmt}Z`).toISOString()).toBe(at.toISOString());

    // One post for this content, whatever was done to it.
    const bySlug = await wpAdmin(
      wp,
      'GET',
      `wp/v2/posts?slug=${seeded.slug}&status=publish,future,draft,trash&context=edit`,
    );
    expect(bySlug.data).toHaveLength(1);
  });

  it('unpublish moves the post to the trash; publishing again restores the same post', async () => {
    const seeded = await seedContent(t, owner, where, { inlineImages: 0 });
    await publishAndWait(seeded.contentId);
    const { postId } = await publication(seeded.contentId);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/publisher/contents/${seeded.contentId}/unpublish`,
      headers: owner.headers,
    });
    expect(res.statusCode, res.body).toBe(202);
    expect((await finished(t, res.json().data.jobId)).status).toBe('succeeded');
    expect(await publication(seeded.contentId)).toMatchObject({ status: 'unpublished', wpStatus: 'trash', postId });
    expect((await readPost(postId)).status).toBe('trash');
    expect((await t.db.prisma.task.findUniqueOrThrow({ where: { id: seeded.taskId } })).status).toBe('approved');

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/publisher/contents/${seeded.contentId}/unpublish`,
      headers: owner.headers,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toContain('already unpublished');

    await publishAndWait(seeded.contentId);
    const restored = await readPost(postId);
    expect(restored).toMatchObject({ status: 'publish', slug: seeded.slug });
  });

  it('refuses content that is not approved, bad schedules and a second publish while one runs', async () => {
    const draft = await seedContent(t, owner, where, { approved: false, inlineImages: 0, featured: false });
    const refused = await publish(draft.contentId);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe(
      `Content ${draft.contentId} is not approved: review it and approve a version in the Writer before publishing.`,
    );
    expect(await t.db.prisma.publication.count({ where: { contentId: draft.contentId } })).toBe(0);

    const seeded = await seedContent(t, owner, where, { inlineImages: 0 });
    const noDate = await publish(seeded.contentId, { status: 'future' });
    expect(noDate.statusCode).toBe(422);
    expect(noDate.json().error).toContain('scheduledAt');
    const past = await publish(seeded.contentId, { status: 'future', scheduledAt: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(422);
    expect(past.json().error).toContain('must be in the future');

    await worker.stop();
    try {
      const first = await publish(seeded.contentId);
      expect(first.statusCode).toBe(202);
      const second = await publish(seeded.contentId);
      expect(second.statusCode).toBe(409);
      expect(second.json().details).toEqual({ jobId: first.json().data.jobId });
    } finally {
      worker = await startWorker(t);
    }
    const missing = await t.app.inject({
      method: 'GET',
      url: `/api/v1/publisher/contents/${draft.contentId}/publication`,
      headers: owner.headers,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe(`Content ${draft.contentId} has never been published.`);
  });

  it('lists publications by site and status with cursor pagination', async () => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/publisher/publications?siteId=${where.siteId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: owner.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      all.push(...res.json().data.items.map((p: any) => p.id));
      cursor = res.json().data.nextCursor;
    } while (cursor);
    expect(all.length).toBe(await t.db.prisma.publication.count({ where: { siteId: where.siteId } }));
    expect(new Set(all).size).toBe(all.length);
    const unpublished = await t.app.inject({
      method: 'GET',
      url: `/api/v1/publisher/publications?status=unpublished`,
      headers: owner.headers,
    });
    expect(unpublished.json().data.items.every((p: any) => p.status === 'unpublished')).toBe(true);
    const other = await registerOwner(t.app, 'Other');
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/api/v1/publisher/publications?siteId=${where.siteId}`,
      headers: other.headers,
    });
    expect(foreign.statusCode).toBe(404);
  });

  it("a WordPress 4xx fails the publish at once with WordPress's reason", async () => {
    const seeded = await seedContent(t, owner, where, { inlineImages: 0, featured: false });
    const res = await publish(seeded.contentId, { categories: ['<b></b>'] });
    expect(res.statusCode, res.body).toBe(202);
    const run = await finished(t, res.json().data.jobId);
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(1);
    const error = run.error as { code: string; message: string };
    expect(error.code).toBe('WORDPRESS_REFUSED');
    expect(error.message).toMatch(
      /^WordPress refused to create the categories <b><\/b> \(HTTP 400, igny8_invalid_term_name\): /,
    );
    const pub = await publication(seeded.contentId);
    expect(pub).toMatchObject({ status: 'failed', lastError: error.message });
    expect(await t.db.prisma.task.findUniqueOrThrow({ where: { id: seeded.taskId } })).toMatchObject({
      status: 'failed',
      failureReason: error.message,
    });
  });

  it('WordPress down: the publish retries, then fails with a clear message; nothing is charged, no AI is called', async () => {
    const seeded = await seedContent(t, owner, where, { inlineImages: 1 });
    const connection = await t.db.prisma.siteConnection.findUniqueOrThrow({ where: { siteId: where.siteId } });
    // A closed port where the site was: every call is refused.
    await t.db.prisma.siteConnection.update({
      where: { siteId: where.siteId },
      data: { restUrl: 'http://127.0.0.1:9/wp-json/' },
    });
    try {
      const res = await publish(seeded.contentId);
      expect(res.statusCode).toBe(202);
      const run = await finished(t, res.json().data.jobId, 60_000);
      expect(run.status).toBe('failed');
      expect(run.attempts).toBe(3);
      const message = (run.error as { message: string }).message;
      expect(message).toMatch(
        /^Could not reach the site 127\.0\.0\.1:8893: 127\.0\.0\.1 could not be reached \(ECONNREFUSED\)/,
      );
      const pub = await publication(seeded.contentId);
      expect(pub.status).toBe('failed');
      expect(pub.lastError).toContain('Gave up after 3 attempts: publish again once the site is back.');
      expect(await t.db.prisma.task.findUniqueOrThrow({ where: { id: seeded.taskId } })).toMatchObject({
        status: 'failed',
        failureReason: pub.lastError,
      });
      expect(await t.db.prisma.creditLedgerEntry.count({ where: { accountId: owner.accountId } })).toBe(0);
      expect(await t.db.prisma.aiCall.count()).toBe(0);
    } finally {
      await t.db.prisma.siteConnection.update({
        where: { siteId: where.siteId },
        data: { restUrl: connection.restUrl },
      });
    }
    // Back up: the same content publishes.
    await publishAndWait(seeded.contentId);
    expect((await publication(seeded.contentId)).status).toBe('published');
  });
});
