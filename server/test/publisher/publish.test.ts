import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { VECTORS } from '../fixtures/writer/xss.ts';
import { problemsIn } from '../writer/content/helpers.ts';
import { startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import {
  connectWordPress,
  fastRetries,
  finished,
  installSeoSimulation,
  listen,
  seedContent,
  releaseWordPress,
  startWordPress,
  startWorker,
  wpAdmin,
  WP_ENV,
  type Harness,
} from './helpers.ts';

let t: TestContext;
let wp: Harness;
let owner: Member;
let worker: JobWorker;
let where: { siteId: string; sectorId: string };
let dataDir: string;

beforeAll(async () => {
  wp = await startWordPress();
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
  releaseWordPress();
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
    expect((run.steps as { name: string }[]).map((s) => s.name)).toEqual([
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
    expect(pub.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${WP_ENV.WP_PORT}/`));
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
      // The same request again with an Idempotency-Key answers the job it started.
      await t.db.prisma.jobRun.update({ where: { id: first.json().data.jobId }, data: { status: 'succeeded' } });
      const keyed = await t.app.inject({
        method: 'POST',
        url: `/api/v1/publisher/contents/${seeded.contentId}/publish`,
        headers: { ...owner.headers, 'idempotency-key': `publish-${seeded.contentId}` },
      });
      expect(keyed.statusCode, keyed.body).toBe(202);
      expect(keyed.json().data.publication).toMatchObject({
        status: 'publishing',
        requestedStatus: 'publish',
        tags: [],
      });
      const repeated = await t.app.inject({
        method: 'POST',
        url: `/api/v1/publisher/contents/${seeded.contentId}/publish`,
        headers: { ...owner.headers, 'idempotency-key': `publish-${seeded.contentId}` },
      });
      expect(repeated.statusCode).toBe(202);
      expect(repeated.json().data.jobId).toBe(keyed.json().data.jobId);
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
      const res: Awaited<ReturnType<typeof t.app.inject>> = await t.app.inject({
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
        new RegExp(
          `^Could not reach the site 127\\.0\\.0\\.1:${WP_ENV.WP_PORT}: 127\\.0\\.0\\.1 could not be reached \\(ECONNREFUSED\\)`,
        ),
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

  it('an XSS corpus planted in the AI output never reaches the published post', async () => {
    // PostgreSQL cannot store U+0000 in JSON (the Writer never stores it): that vector keeps its script without it.
    // eslint-disable-next-line no-control-regex
    const corpus = VECTORS.map(([name, html]) => [name, html.replace(/\u0000/g, '')] as const);
    const sections = corpus.map(([name, html]) => ({
      level: 'h2' as const,
      heading: `${name} <script>alert(1)</script>`,
      html,
    }));
    const seeded = await seedContent(t, owner, where, {
      title: `Safe <script>alert(1)</script><img src=x onerror=alert(1)> shoes ${crypto.randomUUID().slice(0, 6)}`,
      sections,
      faq: corpus.slice(0, 10).map(([name, html]) => ({ question: `${name}?<svg onload=alert(1)>`, answer: html })),
      inlineImages: 2,
    });
    await publishAndWait(seeded.contentId);
    const { postId } = await publication(seeded.contentId);
    const post = await readPost(postId);
    const raw: string = post.content.raw;
    // What WordPress stored is still only our allowlisted blocks and elements.
    expect(problemsIn(raw)).toEqual([]);
    expect(raw).not.toMatch(/<!--\s*wp:html/i);
    expect(raw.split('<!-- wp:heading').length - 1).toBeGreaterThan(VECTORS.length);
    expect(post.title.raw).not.toMatch(/[<>]/);
    expect(post.title.raw).toMatch(/^Safe /);

    // And what visitors get (WordPress adds srcset, loading and sizes to images: still nothing executable).
    const dangerous: string[] = [];
    const walk = (nodes: T.ChildNode[]) => {
      for (const node of nodes) {
        if (!('tagName' in node)) continue;
        if (
          /^(script|iframe|object|embed|svg|math|style|form|base|meta|link|template|noscript|input|textarea|button|video|audio|xmp)$/.test(
            node.tagName,
          )
        )
          dangerous.push(`<${node.tagName}>`);
        for (const a of node.attrs) {
          if (/^on/i.test(a.name) || a.name === 'srcdoc' || a.name === 'style')
            dangerous.push(`${a.name} on <${node.tagName}>`);
          // eslint-disable-next-line no-control-regex
          const compact = a.value.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
          if (/(^|[\s,])(javascript|vbscript|data):/.test(compact)) dangerous.push(`${a.name}="${a.value}"`);
        }
        walk(node.childNodes);
      }
    };
    walk(parseFragment(post.content.rendered).childNodes);
    expect(dangerous).toEqual([]);
    // The whole front-end page (theme, forms and scripts of its own): none of the corpus's payloads is live anywhere.
    const live: string[] = [];
    const payload = /alert\(|msgbox|evil\.test/i;
    const scan = (nodes: T.ChildNode[]) => {
      for (const node of nodes) {
        if (!('tagName' in node)) continue;
        // Attributes that run or load something (a payload in a title or alt attribute is inert, escaped text).
        for (const a of node.attrs)
          if (
            /^(on.*|href|src|srcset|srcdoc|action|formaction|data|poster|style|xlink:href)$/i.test(a.name) &&
            payload.test(a.value)
          )
            live.push(`${a.name}="${a.value}" on <${node.tagName}>`);
        if (node.tagName === 'script' || node.tagName === 'style') {
          const text = node.childNodes.map((c) => ('value' in c ? c.value : '')).join('');
          if (payload.test(text)) live.push(`<${node.tagName}>${text.slice(0, 60)}`);
        }
        scan('content' in node ? (node.content as T.DocumentFragment).childNodes : node.childNodes);
      }
    };
    scan(parse(await (await fetch(post.link)).text()).childNodes);
    expect(live).toEqual([]);
  });

  it.each([
    ['created the post', 'post', /wp\/v2\/posts(&|\?|$)/],
    ['stored the featured image', 'media 0', /wp\/v2\/media(&|\?|$)/],
  ] as const)(
    'a worker killed after WordPress %s, before our write: the retry finds it, one post and one file per image',
    async (_what, step, fault) => {
      const seeded = await seedContent(t, owner, where, { inlineImages: 1 });
      const connection = await t.db.prisma.siteConnection.findUniqueOrThrow({ where: { siteId: where.siteId } });
      await worker.stop();
      const first = await startWorkerProcess(t, { ALLOW_PRIVATE_SITE_URLS: 'true', DATA_DIR: dataDir });
      let killedAfter: number | null = null;
      // A proxy in front of WordPress (Host passed through, so signatures still verify) that SIGKILLs the worker the
      // moment WordPress answers 201 to the creation (of the post, or of the first file), before the answer reaches it.
      const target = new URL(wp.url);
      const proxy: Server = createServer((req, res) => {
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            if (req.method === 'POST' && fault.test(req.url ?? '') && answer.statusCode === 201) {
              killedAfter = answer.statusCode;
              first.child.kill('SIGKILL');
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const proxyOrigin = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
      let second: Awaited<ReturnType<typeof startWorkerProcess>> | undefined;
      try {
        await t.db.prisma.siteConnection.update({
          where: { siteId: where.siteId },
          data: { restUrl: connection.restUrl.replace(wp.url, proxyOrigin) },
        });
        const mediaTotal = async () =>
          Number((await wpAdmin(wp, 'GET', 'wp/v2/media?per_page=1&context=edit')).headers.get('x-wp-total'));
        const filesBefore = await mediaTotal();
        const res = await publish(seeded.contentId);
        expect(res.statusCode).toBe(202);
        const jobId = res.json().data.jobId;
        await first.exited;
        expect(killedAfter).toBe(201);
        // WordPress has it; we have no record of it.
        const found = await t.connect.publishingSession(owner.accountId, where.siteId);
        const steps = (await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: jobId } })).steps as {
          name: string;
        }[];
        expect(steps.map((s) => s.name)).not.toContain(step);
        const before = await t.db.prisma.publication.findUniqueOrThrow({ where: { contentId: seeded.contentId } });
        expect(before.postId).toBeNull();
        if (step === 'post') {
          expect((await found.signed('GET', `igny8/v1/content/${seeded.contentId}`)).status).toBe(200);
        } else {
          expect(before.media).toEqual({});
        }

        second = await startWorkerProcess(t, { ALLOW_PRIVATE_SITE_URLS: 'true', DATA_DIR: dataDir });
        const run = await finished(t, jobId, 90_000);
        expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
        expect(run.attempts).toBe(2);
        const pub = await publication(seeded.contentId);
        expect(pub.status).toBe('published');
        const lookup = await found.signed<{ postId: number; duplicates?: number[] }>(
          'GET',
          `igny8/v1/content/${seeded.contentId}`,
        );
        expect(lookup.data).toMatchObject({ postId: pub.postId });
        expect(lookup.data.duplicates).toBeUndefined();
        const bySlug = await wpAdmin(
          wp,
          'GET',
          `wp/v2/posts?slug=${seeded.slug}&status=publish,future,draft,pending,private,trash&context=edit`,
        );
        expect(bySlug.data.map((p: any) => p.id)).toEqual([pub.postId]);
        // One file per image in the media library, the featured one included.
        const media = (await t.db.prisma.publication.findUniqueOrThrow({ where: { contentId: seeded.contentId } }))
          .media as Record<string, number>;
        expect(new Set(Object.values(media)).size).toBe(seeded.images.length);
        expect(await mediaTotal()).toBe(filesBefore + seeded.images.length);
        expect((await readPost(pub.postId)).featured_media).toBe(media[seeded.images[0]!.id]);
      } finally {
        await t.db.prisma.siteConnection.update({
          where: { siteId: where.siteId },
          data: { restUrl: connection.restUrl },
        });
        if (second) {
          second.child.kill('SIGTERM');
          await second.exited;
        }
        if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
        await new Promise((resolve) => proxy.close(resolve));
        worker = await startWorker(t);
      }
    },
    150_000,
  );

  it("a revoked publishing password fails at once with WordPress's reason and what to do; reconnecting fixes it", async () => {
    const seeded = await seedContent(t, owner, where, { inlineImages: 0 });
    const users = await wpAdmin(wp, 'GET', 'wp/v2/users?search=igny8-publisher&context=edit');
    const publisherId = users.data.find((u: any) => u.username === 'igny8-publisher').id;
    expect((await wpAdmin(wp, 'DELETE', `wp/v2/users/${publisherId}/application-passwords`)).status).toBe(200);

    const res = await publish(seeded.contentId);
    const run = await finished(t, res.json().data.jobId);
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(1);
    const error = run.error as { code: string; message: string };
    expect(error.code).toBe('WORDPRESS_REFUSED');
    expect(error.message).toMatch(
      /^WordPress refused to upload trail-running-shoes-[0-9a-f]+-[0-9a-f]{8}-featured\.png \(HTTP 401, [a-z_]+\): [^.]+\. The site refused IGNY8's publishing user \(its application password may have been revoked or its role changed\): reconnect the site from wp-admin \(IGNY8 > Connection\)\.$/,
    );
    expect(await publication(seeded.contentId)).toMatchObject({ status: 'failed', lastError: error.message });

    // Connecting again gives the publishing user a new password; the same content then publishes.
    const serverUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    expect(await connectWordPress(t, wp, owner, serverUrl)).toEqual(where);
    await publishAndWait(seeded.contentId);
    expect((await publication(seeded.contentId)).status).toBe('published');
  });

  it('with Yoast SEO or Rank Math active, the SEO title and description land in their fields', async () => {
    installSeoSimulation(wp);
    const seeded = await seedContent(t, owner, where, { inlineImages: 0, featured: false });
    const seoTitle = `${seeded.title.slice(0, 40)} | SEO`;
    const description = `Everything about ${seeded.title}: fit, cushioning and drop.`;
    try {
      expect((await wpAdmin(wp, 'POST', 'igny8-test/v1/seo-plugin', { plugin: 'yoast' })).status).toBe(200);
      await publishAndWait(seeded.contentId);
      const { postId, url } = await publication(seeded.contentId);
      expect((await readPost(postId)).meta).toMatchObject({
        _igny8_seo_title: seoTitle,
        _yoast_wpseo_title: seoTitle,
        _yoast_wpseo_metadesc: description,
        rank_math_title: '',
      });
      // Yoast prints them, not the plugin.
      const page = await (await fetch(url)).text();
      expect(page).not.toContain(`<meta name="description" content="${description}" />`);

      expect((await wpAdmin(wp, 'POST', 'igny8-test/v1/seo-plugin', { plugin: 'rank-math' })).status).toBe(200);
      await publishAndWait(seeded.contentId);
      expect((await readPost(postId)).meta).toMatchObject({
        rank_math_title: seoTitle,
        rank_math_description: description,
      });
    } finally {
      await wpAdmin(wp, 'POST', 'igny8-test/v1/seo-plugin', { plugin: '' });
    }
  });
});
