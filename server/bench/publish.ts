/**
 * Publish bench: an article with 3 images (featured + 2 in the text), 2 categories and 2 tags, published to the
 * local WordPress through the real publish job (API -> queue -> worker -> WordPress), next to a script making the
 * same raw WordPress REST calls in the same run (signed lookup, 3 x upload + alt text, 2 x terms/ensure, create
 * post, with the same files and markup). Runs alternate, so both see the same machine state.
 *
 *   npm run bench:publish                      # 7 runs of each (after one warm-up of each)
 *   BENCH_RUNS=15 BENCH_IMAGE=1600x1200 npm run bench:publish
 *
 * Prints both medians and the ratio job / raw (target <= 1.3). The job's time is its own (JobRun startedAt ->
 * finishedAt: steps, media storage reads, database writes, WordPress calls); the time it waited in the queue is
 * printed separately. Uses the publisher tests' WordPress (.data/publisher-wordpress, port 8893, or the
 * PUBLISHER_WP_* settings: do not run it while those tests use the same one), stopped at the end when the bench
 * started it, and a database cloned from the test template, dropped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signRequest } from '@igny8/shared';
import { guardSuite } from '../../scripts/lib/suite-guard.mjs';
import type { JobWorker } from '../src/jobs/worker.ts';
import { mediaStorageFor } from '../src/lib/media-storage.ts';
import { postMarkup, ZSections } from '../src/modules/publisher/markup.ts';
import setupTemplate from '../test/global-setup.ts';
import { createTestApp, type TestContext } from '../test/helpers/app.ts';
import { registerOwner } from '../test/helpers/users.ts';
import {
  connectWordPress,
  finished,
  listen,
  seedContent,
  startWordPress,
  startWorker,
} from '../test/publisher/helpers.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const [WIDTH, HEIGHT] = (process.env.BENCH_IMAGE ?? '1024x768').split('x').map(Number) as [number, number];
const CATEGORIES = ['Bench Running', 'Bench Gear'];
const TAGS = ['bench', 'shoes'];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main() {
  // Before the harness starts: what it launches is recorded, and stopped at the end (also on Ctrl-C).
  const guard = guardSuite('bench-publish', { sigint: true });
  let t: TestContext | undefined;
  let worker: JobWorker | undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'igny8-bench-publish-'));
  try {
    const wp = await startWordPress();
    await setupTemplate();
    t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000000' });
    const serverUrl = await listen(t);
    const owner = await registerOwner(t.app);
    const where = await connectWordPress(t, wp, owner, serverUrl);
    worker = await startWorker(t, 1);
    const ctx = t;

    const connection = await t.db.prisma.siteConnection.findUniqueOrThrow({
      where: { siteId: where.siteId },
      include: { site: true },
    });
    const storage = mediaStorageFor(t.config);
    const basic = `Basic ${Buffer.from(
      `${connection.publisherUsername}:${t.box.decrypt(connection.publisherPasswordEnc!)}`,
    ).toString('base64')}`;
    const privateKey = t.box.decrypt(connection.serverPrivateKeyEnc!);
    const url = (route: string, query = '') =>
      connection.restUrl + route + (query ? `${connection.restUrl.includes('?') ? '&' : '?'}${query}` : '');

    /** The same calls the job makes, written straight against WordPress's REST API with fetch. */
    async function raw(seeded: Awaited<ReturnType<typeof seedContent>>) {
      const expect = async (res: Response, status: number, what: string) => {
        if (res.status !== status) throw new Error(`raw ${what}: HTTP ${res.status} ${await res.text()}`);
        return res.json() as Promise<any>;
      };
      const signed = (method: string, route: string, payload?: unknown) => {
        const body = payload === undefined ? '' : JSON.stringify(payload);
        const headers = signRequest(
          { method, url: url(route), body, siteId: where.siteId, siteUrl: connection.site.url },
          { keyId: connection.serverKeyId!, privateKey },
        );
        return fetch(url(route), {
          method,
          headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body } : {}),
        });
      };
      const started = performance.now();
      const version = await ctx.db.prisma.contentVersion.findFirstOrThrow({ where: { contentId: seeded.contentId } });
      await expect(await signed('GET', `igny8/v1/content/${seeded.contentId}`), 404, 'lookup');
      const uploaded: { id: number; url: string; alt: string; role: string }[] = [];
      for (const image of seeded.images) {
        const row = await ctx.db.prisma.contentImage.findUniqueOrThrow({ where: { id: image.id } });
        const bytes = await storage.get(row.storageKey!);
        const media = await expect(
          await fetch(url('wp/v2/media'), {
            method: 'POST',
            headers: {
              authorization: basic,
              'content-type': 'image/png',
              'content-disposition': `attachment; filename="${version.slug}-${image.position}.png"`,
            },
            body: new Uint8Array(bytes),
          }),
          201,
          'upload',
        );
        const described = await expect(
          await fetch(url(`wp/v2/media/${media.id}`), {
            method: 'POST',
            headers: { authorization: basic, 'content-type': 'application/json' },
            body: JSON.stringify({ alt_text: row.altText, title: row.title, caption: '' }),
          }),
          200,
          'alt text',
        );
        uploaded.push({ id: media.id, url: described.source_url, alt: row.altText, role: image.role });
      }
      const categories = await expect(
        await signed('POST', 'igny8/v1/terms/ensure', { taxonomy: 'category', names: CATEGORIES }),
        200,
        'categories',
      );
      const tags = await expect(
        await signed('POST', 'igny8/v1/terms/ensure', { taxonomy: 'post_tag', names: TAGS }),
        200,
        'tags',
      );
      const content = postMarkup({
        sections: ZSections.parse(version.sections),
        faq: [],
        images: uploaded.filter((u) => u.role !== 'featured'),
      });
      const post = await expect(
        await fetch(url('wp/v2/posts', '_fields=id,status,link,featured_media'), {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/json' },
          body: JSON.stringify({
            title: version.title,
            content,
            excerpt: version.excerpt,
            slug: version.slug,
            status: 'publish',
            featured_media: uploaded.find((u) => u.role === 'featured')!.id,
            categories: categories.terms.map((term: { id: number }) => term.id),
            tags: tags.terms.map((term: { id: number }) => term.id),
            meta: {
              _igny8_content_id: seeded.contentId,
              _igny8_seo_title: version.seoTitle,
              _igny8_seo_description: version.metaDescription,
            },
          }),
        }),
        201,
        'post',
      );
      if (post.featured_media !== uploaded[0]!.id) throw new Error('raw: featured image not set');
      return performance.now() - started;
    }

    async function viaJob(seeded: Awaited<ReturnType<typeof seedContent>>) {
      const requested = Date.now();
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/publisher/contents/${seeded.contentId}/publish`,
        headers: owner.headers,
        payload: { status: 'publish', categories: CATEGORIES, tags: TAGS },
      });
      if (res.statusCode !== 202) throw new Error(`publish: ${res.statusCode} ${res.body}`);
      const run = await finished(ctx, res.json().data.jobId, 120_000);
      if (run.status !== 'succeeded') throw new Error(`publish job ${run.status}: ${JSON.stringify(run.error)}`);
      return {
        jobMs: run.finishedAt!.getTime() - run.startedAt!.getTime(),
        queuedMs: run.startedAt!.getTime() - requested,
        endToEndMs: run.finishedAt!.getTime() - requested,
      };
    }

    const article = () => seedContent(ctx, owner, where, { inlineImages: 2, imageSize: [WIDTH, HEIGHT] });
    // Warm-up (PHP opcache, WordPress's first image sizes, connection pools): not counted.
    await viaJob(await article());
    await raw(await article());

    const jobTimes: number[] = [];
    const queued: number[] = [];
    const endToEnd: number[] = [];
    const rawTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const first = i % 2 === 0 ? 'job' : 'raw';
      for (const kind of first === 'job' ? ['job', 'raw'] : ['raw', 'job']) {
        const seeded = await article();
        if (kind === 'job') {
          const r = await viaJob(seeded);
          jobTimes.push(r.jobMs);
          queued.push(r.queuedMs);
          endToEnd.push(r.endToEndMs);
        } else rawTimes.push(await raw(seeded));
      }
    }
    const job = median(jobTimes);
    const direct = median(rawTimes);
    const ratio = job / direct;
    const bytes = (
      await storage.get(
        (await ctx.db.prisma.contentImage.findFirstOrThrow({ where: { accountId: owner.accountId } })).storageKey!,
      )
    ).length;
    console.log(
      `environment: node ${process.version}, ${os.cpus().length} CPUs, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; WordPress at ${wp.url}`,
    );
    console.log(
      `settings: ${RUNS} runs of each (+1 warm-up), article with 3 images of ${WIDTH}x${HEIGHT} PNG (${(bytes / 1024).toFixed(0)} KiB each), ${CATEGORIES.length} categories, ${TAGS.length} tags`,
    );
    console.log(`publish job:   median ${job.toFixed(0)} ms  (runs: ${jobTimes.map((v) => v.toFixed(0)).join(', ')})`);
    console.log(
      `raw REST:      median ${direct.toFixed(0)} ms  (runs: ${rawTimes.map((v) => v.toFixed(0)).join(', ')})`,
    );
    console.log(
      `queue wait:    median ${median(queued).toFixed(0)} ms before the worker picked the job up (not in the job time)`,
    );
    console.log(`ratio job/raw: ${ratio.toFixed(3)} (target <= 1.3)`);
    console.log(
      `end to end:    median ${median(endToEnd).toFixed(0)} ms from the API request to the job's end, queue wait included (ratio ${(median(endToEnd) / direct).toFixed(3)})`,
    );
    console.log(
      `RESULT ${JSON.stringify({ bench: 'publish', runs: RUNS, image: `${WIDTH}x${HEIGHT}`, jobMedianMs: job, rawMedianMs: direct, ratio, queueWaitMedianMs: median(queued), endToEndMedianMs: median(endToEnd) })}`,
    );
  } finally {
    await worker?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
    guard.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
