import { ZPublishStatus } from '@igny8/shared';
import { z } from 'zod';
import type { PrismaClient, PublicationStatus } from '../../generated/prisma/client.ts';
import type { JobContext } from '../../jobs/context.ts';
import { defineJob, type JobDefinition } from '../../jobs/definition.ts';
import { JobCancelledError, PermanentJobError } from '../../jobs/errors.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { PublisherJobDeps } from './deps.ts';
import { plainText, postMarkup, ZFaq, ZSections, type UploadedImage } from './markup.ts';
import {
  describeMedia,
  ensureTerms,
  findMedia,
  findPost,
  savePost,
  trashPost,
  unreachable,
  uploadMedia,
  type PublishingSession,
} from './wordpress.ts';

export const PUBLISH_JOB = 'publisher.publish';
export const UNPUBLISH_JOB = 'publisher.unpublish';

/** At most this many publish and unpublish jobs run at once per site, across all workers. */
export const PUBLISHES_PER_SITE = 2;

export const ZPublishPayload = z.object({
  contentId: z.uuid(),
  siteId: z.uuid(),
  /** The approved version at the time of the request: what is published, whatever is edited meanwhile. */
  version: z.number().int().min(1),
  status: ZPublishStatus,
  scheduledAt: z.string().nullable(),
  categories: z.array(z.string()),
  tags: z.array(z.string()),
});
export type PublishPayload = z.infer<typeof ZPublishPayload>;

export const ZUnpublishPayload = z.object({ contentId: z.uuid(), siteId: z.uuid() });

/** Retry policy shared by both jobs: WordPress down or overloaded is retried for about 10 minutes. */
const RETRY = { retryLimit: 5, retryDelay: 10, retryDelayMax: 300, heartbeatSeconds: 10, expireInSeconds: 900 };

const WP_STATUS_TO_PUBLICATION: Record<string, PublicationStatus> = {
  publish: 'published',
  private: 'published',
  future: 'scheduled',
  draft: 'draft',
  pending: 'draft',
};

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A file name for the media library: the article's slug, a piece of the image id and the image's position. WordPress
 * names the attachment after it (its slug is the name without extension), which is how a retry finds a file that an
 * attempt uploaded just before it crashed.
 */
function fileName(slug: string, imageId: string, position: number, mimeType: string | null) {
  const ext = mimeType === 'image/jpeg' ? 'jpg' : mimeType === 'image/webp' ? 'webp' : 'png';
  const base =
    slug
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'image';
  const name = `${base}-${imageId.slice(0, 8)}-${position === 0 ? 'featured' : position}`;
  return { name, file: `${name}.${ext}` };
}

async function readImage(media: MediaStorage, imageId: string, key: string): Promise<Buffer> {
  try {
    return await media.get(key);
  } catch (error) {
    // Local disk: ENOENT; S3-compatible storage: NoSuchKey (or a bare 404).
    const code = (error as NodeJS.ErrnoException).code ?? (error as { name?: string }).name;
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (code === 'ENOENT' || code === 'NoSuchKey' || status === 404) {
      throw new PermanentJobError(
        'IMAGE_MISSING',
        `The file of image ${imageId} is missing from media storage: generate the image again, then publish.`,
      );
    }
    throw error;
  }
}

/**
 * Records why an attempt failed on the publication (and, when it is final, marks the publication and the task as
 * failed). Retried attempts keep the publication "publishing": only the last error is kept.
 */
async function noteFailure(
  prisma: PrismaClient,
  jobId: string,
  error: unknown,
  final: boolean,
  kind: 'publish' | 'unpublish',
) {
  const message = errorMessage(error);
  const publication = await prisma.publication.findFirst({ where: { lastJobRunId: jobId } });
  if (!publication) return;
  await prisma.publication.update({
    where: { id: publication.id },
    data: { lastError: message, ...(final && kind === 'publish' ? { status: 'failed' } : {}) },
  });
  if (final && kind === 'publish') {
    await prisma.task.updateMany({
      where: { content: { id: publication.contentId }, status: 'publishing' },
      data: { status: 'failed', failureReason: message },
    });
  }
}

/** What a job shows as its current step while another publish to the same site holds the slot it needs. */
export const WAITING_FOR_SLOT = 'waiting for a free publishing slot on this site';

/**
 * The hard per-site limit. pg-boss's group concurrency keeps most surplus jobs of a site in the queue, but its count
 * of active jobs is read by concurrent fetches without serialization, so two workers can both take "the last free
 * slot" (measured: 3 at once with a limit of 2 and 10 fetching slots). Here, under a per-site advisory transaction
 * lock, a job proceeds only when fewer than PUBLISHES_PER_SITE other publish or unpublish jobs of the site are
 * running past this point; otherwise it shows WAITING_FOR_SLOT and looks again shortly. Jobs whose worker died stop
 * counting as soon as pg-boss no longer sees them active (heartbeat), so a crash never leaks a slot.
 */
async function takeSiteSlot(prisma: PrismaClient, ctx: JobContext, siteId: string): Promise<void> {
  for (let round = 0; ; round++) {
    const free = await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(${`igny8:publish:${siteId}`}, 0))) l`;
      // pgboss is BOSS_SCHEMA (jobs/queue.ts); its job table holds each job's delivery state.
      const [row] = await tx.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "JobRun" r JOIN pgboss.job j ON j.id = r.id AND j.name = r.type
        WHERE r."siteId" = ${siteId}::uuid AND r.type IN (${PUBLISH_JOB}, ${UNPUBLISH_JOB}) AND r.status = 'running'
          AND r.id <> ${ctx.jobId}::uuid AND j.state = 'active'
          AND r."currentStep" IS DISTINCT FROM ${WAITING_FOR_SLOT}`;
      const taken = (row?.n ?? 0) >= PUBLISHES_PER_SITE;
      await tx.jobRun.update({
        where: { id: ctx.jobId },
        data: { currentStep: taken ? WAITING_FOR_SLOT : 'starting' },
      });
      return !taken;
    });
    if (free) return;
    if (round % 8 === 7) await ctx.throwIfCancelled();
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 200));
  }
}

export function publisherJobs(deps: PublisherJobDeps): JobDefinition[] {
  const { prisma, connect, media } = deps;

  async function session(accountId: string, siteId: string): Promise<PublishingSession> {
    try {
      return await connect.publishingSession(accountId, siteId);
    } catch (error) {
      return unreachable(error);
    }
  }

  async function publish(ctx: JobContext, p: PublishPayload) {
    const content = await prisma.content.findFirst({
      where: { id: p.contentId, accountId: ctx.accountId },
      include: {
        versions: { where: { number: p.version } },
        images: { where: { status: 'generated', storageKey: { not: null } }, orderBy: { position: 'asc' } },
        publication: true,
      },
    });
    if (!content?.publication) {
      throw new PermanentJobError('NOT_FOUND', `Content ${p.contentId} was deleted before it could be published.`);
    }
    const version = content.versions[0];
    if (!version) {
      throw new PermanentJobError('NOT_FOUND', `Version ${p.version} of content ${p.contentId} no longer exists.`);
    }
    const site = await session(ctx.accountId, p.siteId);
    const stored = (content.publication.media ?? {}) as Record<string, unknown>;
    const title = plainText(version.title, 300);

    // 1. Media: one step per image, so a retry or a crash never uploads a finished image again; the media id is
    // also kept on the publication, so republishing reuses the file instead of uploading a copy.
    const uploaded: Array<UploadedImage & { role: string }> = [];
    for (const [i, image] of content.images.entries()) {
      const meta = { alt: plainText(image.altText, 500), title: plainText(image.title, 200) || title };
      const out = await ctx.step(
        `media ${image.position}`,
        async () => {
          const known = stored[image.id];
          const file = fileName(version.slug, image.id, image.position, image.mimeType);
          let result = typeof known === 'number' ? await describeMedia(site, known, meta) : null;
          // A previous attempt may have uploaded the file and crashed before recording it: find it by name first
          // (only on retries: a first attempt cannot have left one behind).
          if (!result && ctx.attempt > 1) {
            const found = await findMedia(site, file.name);
            if (found !== null) result = await describeMedia(site, found, meta);
          }
          if (!result) {
            const bytes = await readImage(media, image.id, image.storageKey!);
            result = await uploadMedia(site, {
              bytes,
              filename: file.file,
              mimeType: image.mimeType ?? 'image/png',
              ...meta,
            });
          }
          await prisma.$executeRaw`
            UPDATE "Publication" SET media = media || jsonb_build_object(${image.id}::text, ${result.id}::int),
                   "updatedAt" = now()
            WHERE "contentId" = ${p.contentId}::uuid`;
          return { id: result.id, url: result.url };
        },
        { progress: 10 + Math.round((60 * (i + 1)) / content.images.length), detail: (o) => `media ${o.id}` },
      );
      uploaded.push({ ...out, alt: meta.alt, role: image.role });
    }
    const featured = uploaded.find((u) => u.role === 'featured');
    const inline = uploaded.filter((u) => u.role !== 'featured');

    // 2. Terms: created when missing (an Author cannot create categories, so through the plugin's signed route).
    const terms = await ctx.step(
      'terms',
      async () => ({
        categories: await ensureTerms(site, 'category', p.categories),
        tags: await ensureTerms(site, 'post_tag', p.tags),
      }),
      { progress: 75 },
    );

    // 3. The post. The lookup by content id comes first INSIDE this step: when a previous attempt crashed after
    // WordPress created the post and before this step was recorded, the post is found and updated, not created.
    const content_ = postMarkup({
      sections: ZSections.catch([]).parse(version.sections),
      faq: ZFaq.parse(version.faq),
      images: inline,
      demo: content.demo,
    });
    const post = await ctx.step(
      'post',
      async () => {
        const found = await findPost(site, p.contentId);
        if (found?.duplicates?.length) {
          ctx.log.warn({ postId: found.postId, duplicates: found.duplicates }, 'several posts carry one content id');
        }
        const fields: Record<string, unknown> = {
          title,
          content: content_,
          excerpt: plainText(version.excerpt, 1000),
          slug: version.slug,
          status: p.status,
          meta: {
            _igny8_content_id: p.contentId,
            _igny8_seo_title: plainText(version.seoTitle, 300),
            _igny8_seo_description: plainText(version.metaDescription, 1000),
          },
          ...(featured ? { featured_media: featured.id } : {}),
          ...(terms.categories.length ? { categories: terms.categories } : {}),
          ...(terms.tags.length ? { tags: terms.tags } : {}),
        };
        if (p.status === 'future' && p.scheduledAt) fields.date_gmt = p.scheduledAt.slice(0, 19);
        // A scheduled post published now: its date moves to now, or WordPress would keep it scheduled.
        if (p.status === 'publish' && found?.status === 'future')
          fields.date_gmt = new Date().toISOString().slice(0, 19);
        const saved = await savePost(site, found?.postId ?? null, fields);
        return {
          postId: saved.id,
          status: saved.status,
          link: saved.link,
          featuredMedia: saved.featured_media,
          created: !found,
        };
      },
      { progress: 90, detail: (o) => `${o.created ? 'created' : 'updated'} post ${o.postId}` },
    );

    // 4. WordPress 6.1 silently ignores an unknown featured_media id: check that it took ours.
    await ctx.step('verify', async () => {
      if (featured && post.featuredMedia !== featured.id) {
        const imageId = content.images.find((i) => i.role === 'featured')?.id;
        if (imageId) {
          await prisma.$executeRaw`
            UPDATE "Publication" SET media = media - ${imageId}::text WHERE "contentId" = ${p.contentId}::uuid`;
        }
        throw new PermanentJobError(
          'WORDPRESS_REFUSED',
          `WordPress did not set media ${featured.id} as the featured image of post ${post.postId} (it may have been ` +
            'deleted from the media library meanwhile). Publish again: the image is uploaded anew.',
        );
      }
    });

    // 5. Our own records, in one transaction with the step's record.
    return ctx.transactionalStep(
      'record',
      async (tx) => {
        const status = WP_STATUS_TO_PUBLICATION[post.status] ?? 'published';
        await tx.publication.update({
          where: { contentId: p.contentId },
          data: {
            status,
            postId: post.postId,
            wpStatus: post.status,
            url: post.link,
            publishedVersion: p.version,
            lastError: null,
            ...(status === 'published' ? { publishedAt: new Date() } : {}),
          },
        });
        await tx.task.update({
          where: { id: content.taskId },
          data: { status: 'published', failureReason: null, lastJobRunId: ctx.jobId },
        });
        return { postId: post.postId, status: post.status, url: post.link, version: p.version };
      },
      { progress: 100 },
    );
  }

  const publishJob = defineJob({
    type: PUBLISH_JOB,
    payload: ZPublishPayload,
    ...RETRY,
    group: (p) => p.siteId,
    groupConcurrency: PUBLISHES_PER_SITE,
    handler: async (ctx, p) => {
      try {
        await takeSiteSlot(prisma, ctx, p.siteId);
        return await publish(ctx, p);
      } catch (error) {
        if (!(error instanceof JobCancelledError)) {
          await noteFailure(prisma, ctx.jobId, error, error instanceof PermanentJobError, 'publish');
        }
        throw error;
      }
    },
    // Failed for good or cancelled: the publication and the task say so, with the last reason. Keyed on the job
    // id (a cancelled queued job has no payload here).
    onFailure: async ({ jobId }) => {
      const publication = await prisma.publication.findFirst({ where: { lastJobRunId: jobId } });
      if (!publication || publication.status !== 'publishing') return;
      const run = await prisma.jobRun.findUnique({ where: { id: jobId }, select: { attempts: true } });
      const attempts = run?.attempts ?? 0;
      const reason = publication.lastError
        ? `${publication.lastError}${attempts > 1 ? ` Gave up after ${attempts} attempts: publish again once the site is back.` : ''}`
        : 'The publish was cancelled before it finished.';
      await prisma.publication.update({ where: { id: publication.id }, data: { status: 'failed', lastError: reason } });
      await prisma.task.updateMany({
        where: { content: { id: publication.contentId }, status: 'publishing' },
        data: { status: 'failed', failureReason: reason },
      });
    },
  });

  const unpublishJob = defineJob({
    type: UNPUBLISH_JOB,
    payload: ZUnpublishPayload,
    ...RETRY,
    group: (p) => p.siteId,
    groupConcurrency: PUBLISHES_PER_SITE,
    handler: async (ctx, p) => {
      try {
        await takeSiteSlot(prisma, ctx, p.siteId);
        const site = await session(ctx.accountId, p.siteId);
        const trashed = await ctx.step(
          'trash',
          async () => {
            const found = await findPost(site, p.contentId);
            if (!found) return { postId: null, status: 'missing' };
            if (found.status === 'trash') return { postId: found.postId, status: 'trash' };
            return { postId: found.postId, ...(await trashPost(site, found.postId)) };
          },
          { progress: 80 },
        );
        return await ctx.transactionalStep(
          'record',
          async (tx) => {
            const publication = await tx.publication.update({
              where: { contentId: p.contentId },
              data: { status: 'unpublished', wpStatus: trashed.status === 'missing' ? null : 'trash', lastError: null },
              include: { content: { select: { taskId: true } } },
            });
            // The content stays approved: it can be published again (which restores the post from the trash).
            await tx.task.updateMany({
              where: { id: publication.content.taskId, status: { in: ['published', 'failed'] } },
              data: { status: 'approved', failureReason: null },
            });
            return trashed;
          },
          { progress: 100 },
        );
      } catch (error) {
        if (!(error instanceof JobCancelledError)) {
          await noteFailure(prisma, ctx.jobId, error, error instanceof PermanentJobError, 'unpublish');
        }
        throw error;
      }
    },
  });

  return [publishJob, unpublishJob] as unknown as JobDefinition[];
}
