import type { PublicationStatus } from '../../generated/prisma/client.ts';
import type { JobContext } from '../../jobs/context.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { PublishPayload } from './contracts.ts';
import { publisherData } from './data.ts';
import { fileName, readImage, type PublisherJobData } from './jobs-common.ts';
import { plainText, postMarkup, ZFaq, ZSections, type UploadedImage } from './markup.ts';
import {
  describeMedia,
  ensureTerms,
  findMedia,
  findPost,
  savePost,
  type PublishingSession,
  uploadMedia,
} from './wordpress.ts';

const WP_STATUS_TO_PUBLICATION: Record<string, PublicationStatus> = {
  publish: 'published',
  private: 'published',
  future: 'scheduled',
  draft: 'draft',
  pending: 'draft',
};

/**
 * The publish job's work, in steps a retry skips once done: upload the images, ensure the terms, create or update
 * the post, check WordPress took the featured image, then record the result.
 */
export function publishSteps(deps: {
  data: PublisherJobData;
  media: MediaStorage;
  session: (accountId: string, siteId: string) => Promise<PublishingSession>;
}) {
  const { data } = deps;
  return async function publish(ctx: JobContext, p: PublishPayload) {
    const content = await data.findContentToPublish(ctx.accountId, p.contentId, p.version);
    if (!content?.publication) {
      throw new PermanentJobError('NOT_FOUND', `Content ${p.contentId} was deleted before it could be published.`);
    }
    const version = content.versions[0];
    if (!version) {
      throw new PermanentJobError('NOT_FOUND', `Version ${p.version} of content ${p.contentId} no longer exists.`);
    }
    const site = await deps.session(ctx.accountId, p.siteId);
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
            const bytes = await readImage(deps.media, image.id, image.storageKey!);
            result = await uploadMedia(site, {
              bytes,
              filename: file.file,
              mimeType: image.mimeType ?? 'image/png',
              ...meta,
            });
          }
          await data.rememberMedia(p.contentId, image.id, result.id);
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
        if (imageId) await data.forgetMedia(p.contentId, imageId);
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
        const inTx = publisherData(tx);
        await inTx.recordPublished(p.contentId, {
          status,
          postId: post.postId,
          wpStatus: post.status,
          url: post.link,
          publishedVersion: p.version,
          lastError: null,
          ...(status === 'published' ? { publishedAt: new Date() } : {}),
        });
        await inTx.markTaskPublished(content.taskId, ctx.jobId);
        return { postId: post.postId, status: post.status, url: post.link, version: p.version };
      },
      { progress: 100 },
    );
  };
}
