import { ALT_TEXT_MAX, IMAGE_TITLE_MAX, type TContentImage, type TEditorImage } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import type { ContentImage, EditorImage } from '../../generated/prisma/client.ts';
import { MediaNotFoundError, type MediaStorage } from '../../lib/media-storage.ts';

/**
 * Images (of a content, or made from the block editor) apart from any I/O but the media storage: keys, titles, alt
 * text, prompts, views, files.
 */

/** Featured image plus at most this many in-article images (generate_image_prompts makes up to 10 in all). */
export const MAX_INLINE_IMAGES = 9;
export const DEFAULT_IMAGE_STYLE = 'natural photograph';

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

/** Where an editor image's file is kept (one file per image; a new image is a new id). */
export const editorImageKey = (accountId: string, editorImageId: string) => `${accountId}/editor/${editorImageId}.png`;

export function editorImageView(image: EditorImage): TEditorImage {
  return {
    id: image.id,
    siteId: image.siteId,
    wpPostId: image.wpPostId,
    status: image.status,
    altText: image.altText,
    mimeType: image.mimeType,
    width: image.width,
    height: image.height,
    error: image.error,
    createdAt: image.createdAt.toISOString(),
  };
}

/** generate_images wants at least 10 characters: a short prompt is asked as an illustration of it. */
export const imagePrompt = (prompt: string) => (prompt.length >= 10 ? prompt : `${prompt} (illustration)`);
