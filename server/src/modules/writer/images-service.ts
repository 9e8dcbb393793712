import {
  ALT_TEXT_MAX,
  IMAGE_TITLE_MAX,
  type TContentImage,
  type TGenerateImagesBody,
  type TRegenerateImageBody,
  type TUpdateImageBody,
} from '@igny8/shared';
import { z } from 'zod';
import type { AiRunsService } from '../ai/runs-service.ts';
import { AppError, errors } from '../../errors.ts';
import type { ContentImage, PrismaClient } from '../../generated/prisma/client.ts';
import { MediaNotFoundError, type MediaStorage } from '../../lib/media-storage.ts';
import type { AuthContext } from '../auth/credentials.ts';

export const GENERATE_IMAGES_JOB = 'writer.generate_images';
export const REGENERATE_IMAGE_JOB = 'writer.regenerate_image';

/** Featured image plus at most this many in-article images (generate_image_prompts makes up to 10 in all). */
export const MAX_INLINE_IMAGES = 9;
export const DEFAULT_IMAGE_STYLE = 'natural photograph';

export const ZGenerateImagesPayload = z.object({
  contentId: z.uuid(),
  taskId: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  /** The content version the prompts were written for. */
  version: z.number().int(),
  /** generate_image_prompts' input: the version's title, a summary of its text, featured + inline count. */
  input: z.object({ title: z.string(), summary: z.string(), imageCount: z.number().int().min(1) }),
  style: z.string(),
  /** The version's section headings: prompts for in-article images the model left out are made from them. */
  headings: z.array(z.string()).default([]),
  holdId: z.uuid(),
});
export type GenerateImagesPayload = z.infer<typeof ZGenerateImagesPayload>;

export const ZRegenerateImagePayload = z.object({
  imageId: z.uuid(),
  contentId: z.uuid(),
  taskId: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  prompt: z.string(),
  style: z.string(),
  holdId: z.uuid(),
});
export type RegenerateImagePayload = z.infer<typeof ZRegenerateImagePayload>;

/** Where an image's file is kept: one object per image id, so a regenerated image is a new file (and a new id). */
export const imageKey = (accountId: string, contentId: string, imageId: string) =>
  `${accountId}/${contentId}/${imageId}.png`;

/** Alt text is never empty (the article title stands in) and at most 250 characters, cut at a word when it can. */
export function cleanAltText(altText: string | undefined, fallback: string): string {
  const text = (altText ?? '').replace(/\s+/g, ' ').trim() || fallback.replace(/\s+/g, ' ').trim() || 'Illustration';
  if (text.length <= ALT_TEXT_MAX) return text;
  const cut = text.slice(0, ALT_TEXT_MAX);
  const space = cut.lastIndexOf(' ');
  return (space > ALT_TEXT_MAX * 0.6 ? cut.slice(0, space) : cut).trim();
}

export function imageTitle(articleTitle: string, position: number): string {
  const base = articleTitle.replace(/\s+/g, ' ').trim() || 'Article';
  const suffix = position === 0 ? '' : ` - image ${position}`;
  return base.slice(0, IMAGE_TITLE_MAX - suffix.length) + suffix;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** Plain text of a content version for the image prompts: excerpt, then headings and paragraphs, ~1,500 chars. */
export function summaryOf(version: { excerpt: string; sections: unknown }): string {
  const parts = [version.excerpt];
  if (Array.isArray(version.sections)) {
    for (const s of version.sections as { heading?: unknown; html?: unknown }[]) {
      if (typeof s.heading === 'string') parts.push(`${s.heading}.`);
      if (typeof s.html === 'string') parts.push(s.html.replace(/<[^>]*>/g, ' '));
    }
  }
  const text = parts
    .join(' ')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e] ?? ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length <= 1500 ? text : `${text.slice(0, 1500).replace(/\s+\S*$/, '')}...`;
}

export function headingsOf(version: { sections: unknown }): string[] {
  if (!Array.isArray(version.sections)) return [];
  return (version.sections as { heading?: unknown }[])
    .map((s) => (typeof s.heading === 'string' ? s.heading.replace(/\s+/g, ' ').trim().slice(0, 200) : ''))
    .filter(Boolean);
}

/**
 * Exactly `count` prompts: the model's (the first is the featured image, the rest in-article), cut to `count`; when
 * it wrote fewer, the missing in-article images are drawn from the section headings, in reading order.
 */
export function completePrompts(
  images: { prompt: string; altText: string }[],
  count: number,
  article: { title: string; headings: string[] },
): { role: 'featured' | 'inline'; prompt: string; altText: string }[] {
  const out = images.slice(0, count).map((image, i) => ({
    role: i === 0 ? ('featured' as const) : ('inline' as const),
    prompt: image.prompt.trim(),
    altText: cleanAltText(image.altText, article.title),
  }));
  for (let position = out.length; position < count; position++) {
    const heading = article.headings[(position - 1 + article.headings.length) % Math.max(1, article.headings.length)];
    const subject = heading ? `${heading}, from the article "${article.title}"` : `the article "${article.title}"`;
    out.push({
      role: position === 0 ? 'featured' : 'inline',
      prompt: `An illustration of ${subject}`.slice(0, 1000),
      altText: cleanAltText(heading ? `${heading}: illustration` : undefined, article.title),
    });
  }
  return out;
}

export const fileUrl = (imageId: string) => `/api/v1/writer/images/${imageId}/file`;

export function imageView(image: ContentImage): TContentImage {
  return {
    id: image.id,
    contentId: image.contentId,
    role: image.role,
    position: image.position,
    prompt: image.prompt,
    altText: image.altText,
    title: image.title,
    status: image.status,
    mimeType: image.mimeType,
    bytes: image.bytes,
    width: image.width,
    height: image.height,
    error: image.error,
    jobId: image.jobRunId,
    fileUrl: image.status === 'generated' ? fileUrl(image.id) : null,
    createdAt: image.createdAt.toISOString(),
    updatedAt: image.updatedAt.toISOString(),
  };
}

/** The prompt estimates use: an image's price does not depend on its prompt. */
const ESTIMATE_PROMPT = 'An illustration for the article';

/** What an image row (of a content or made in the block editor) says about its file. */
interface StoredImage {
  id: string;
  status: string;
  storage: string | null;
  storageKey: string | null;
  mimeType: string | null;
}

/**
 * A made image's bytes from the media storage; 404 until it is made, or when its file is gone from the storage,
 * saying what to do (`remedy`, such as "regenerate it").
 */
export async function storedImageFile(media: MediaStorage, image: StoredImage, remedy: string) {
  if (image.status !== 'generated' || !image.storageKey) {
    throw new AppError(
      'NOT_FOUND',
      `Image ${image.id} has no file yet (it is ${image.status}${image.status === 'failed' ? `: ${remedy}` : ''}).`,
    );
  }
  try {
    const bytes = await media.get(image.storageKey);
    return { bytes, mimeType: image.mimeType ?? 'image/png', filename: `${image.id}.png` };
  } catch (error) {
    if (error instanceof MediaNotFoundError) {
      throw new AppError(
        'NOT_FOUND',
        `The file of image ${image.id} is missing from the ${image.storage ?? media.kind} storage: ${remedy}.`,
      );
    }
    throw error;
  }
}

export function createImagesService(deps: { prisma: PrismaClient; runs: AiRunsService; media: MediaStorage }) {
  const { prisma, runs, media } = deps;

  async function findContent(auth: AuthContext, contentId: string) {
    const content = await prisma.content.findFirst({
      where: { id: contentId, accountId: auth.accountId },
      include: { task: { select: { id: true, sectorId: true, imageCount: true } } },
    });
    if (!content) throw errors.notFound('Content', contentId);
    return content;
  }

  async function findImage(auth: AuthContext, imageId: string) {
    const image = await prisma.contentImage.findFirst({ where: { id: imageId, accountId: auth.accountId } });
    if (!image) throw errors.notFound('Image', imageId);
    return image;
  }

  /** Both image functions' estimates: prompts once, then `images` pictures. */
  async function estimateImages(accountId: string, siteId: string, images: number) {
    const one = await runs.estimate(accountId, siteId, 'generate_images', { prompt: ESTIMATE_PROMPT });
    return { credits: one.credits * images, model: one.model };
  }

  return {
    /**
     * Starts making a content's images from its current version: prompts with alt text for the featured image and
     * the task's in-article images, then each picture. Earlier images of the content are replaced when the new set
     * is stored (their files are deleted once the new ones exist). 409 when the content has no text yet; credits for
     * the whole run held now (402 when short); Idempotency-Key honoured.
     */
    async generate(
      auth: AuthContext,
      requestId: string,
      contentId: string,
      body: TGenerateImagesBody,
      idempotencyKey?: string,
    ) {
      const content = await findContent(auth, contentId);
      const version =
        content.currentVersion > 0
          ? await prisma.contentVersion.findUnique({
              where: { contentId_number: { contentId, number: content.currentVersion } },
            })
          : null;
      if (!version) {
        throw new AppError(
          'CONFLICT',
          `Content ${contentId} has no text yet: write it first, then generate its images.`,
          { contentId },
        );
      }
      const inline = Math.max(0, Math.min(MAX_INLINE_IMAGES, content.task.imageCount));
      const input = {
        title: version.title.replace(/\s+/g, ' ').trim().slice(0, 200) || 'Article',
        summary: summaryOf(version),
        imageCount: 1 + inline,
      };
      const style = body.style ?? DEFAULT_IMAGE_STYLE;
      return runs.startHeld(auth, requestId, {
        type: GENERATE_IMAGES_JOB,
        operation: 'generate_images',
        siteId: content.siteId,
        body: { contentId, version: version.number, style },
        ...(idempotencyKey ? { idempotencyKey } : {}),
        // One set of images per content at a time: a second run would replace the rows the first is filling.
        exclusive: {
          key: `images:${contentId}`,
          inProgress: (jobId) =>
            `Images for content ${contentId} are already being made (job ${jobId}): wait for that job to finish, ` +
            'or cancel it, before starting again.',
        },
        estimate: async () => {
          const prompts = await runs.estimate(auth.accountId, content.siteId, 'generate_image_prompts', input);
          const images = await estimateImages(auth.accountId, content.siteId, input.imageCount);
          return { credits: prompts.credits + images.credits, model: `${prompts.model}, ${images.model}` };
        },
        payload: ({ holdId }) =>
          ({
            contentId,
            taskId: content.task.id,
            siteId: content.siteId,
            sectorId: content.task.sectorId,
            version: version.number,
            input,
            style,
            headings: headingsOf(version).slice(0, 20),
            holdId,
          }) satisfies GenerateImagesPayload,
      });
    },

    /** Makes one image again (with a new prompt when given); the others stay. The old file goes once the new exists. */
    async regenerate(
      auth: AuthContext,
      requestId: string,
      imageId: string,
      body: TRegenerateImageBody,
      idempotencyKey?: string,
    ) {
      const image = await findImage(auth, imageId);
      const content = await findContent(auth, image.contentId);
      const prompt = body.prompt ?? image.prompt;
      const style = body.style ?? DEFAULT_IMAGE_STYLE;
      return runs.startHeld(auth, requestId, {
        type: REGENERATE_IMAGE_JOB,
        operation: 'generate_images',
        siteId: content.siteId,
        body: { imageId, prompt, style },
        ...(idempotencyKey ? { idempotencyKey } : {}),
        estimate: () => estimateImages(auth.accountId, content.siteId, 1),
        payload: ({ holdId }) =>
          ({
            imageId,
            contentId: content.id,
            taskId: content.task.id,
            siteId: content.siteId,
            sectorId: content.task.sectorId,
            prompt,
            style,
            holdId,
          }) satisfies RegenerateImagePayload,
      });
    },

    /** A content's images in position order (featured first). */
    async list(auth: AuthContext, contentId: string) {
      await findContent(auth, contentId);
      const rows = await prisma.contentImage.findMany({
        where: { contentId, accountId: auth.accountId },
        orderBy: { position: 'asc' },
      });
      return rows.map(imageView);
    },

    async get(auth: AuthContext, imageId: string) {
      return imageView(await findImage(auth, imageId));
    },

    /** The image's bytes; 404 until it is generated (or when its file is gone from the storage). */
    async file(auth: AuthContext, imageId: string) {
      return storedImageFile(media, await findImage(auth, imageId), 'regenerate it');
    },

    /** Edits alt text and title (the picture stays). */
    async update(auth: AuthContext, imageId: string, body: TUpdateImageBody) {
      const updated = await prisma.contentImage.updateMany({
        where: { id: imageId, accountId: auth.accountId },
        data: {
          ...(body.altText !== undefined ? { altText: body.altText } : {}),
          ...(body.title !== undefined ? { title: body.title } : {}),
        },
      });
      if (updated.count === 0) throw errors.notFound('Image', imageId);
      return imageView(await findImage(auth, imageId));
    },
  };
}

export type ImagesService = ReturnType<typeof createImagesService>;
