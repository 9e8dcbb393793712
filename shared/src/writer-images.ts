import { z } from 'zod';

/**
 * Contract of a content's images: one featured image (position 0) and in-article images (1..N in reading order),
 * made from AI-written prompts with alt text, stored by the server and served to the account that owns them.
 */

export const CONTENT_IMAGE_ROLES = ['featured', 'inline'] as const;
export const ZContentImageRole = z.enum(CONTENT_IMAGE_ROLES);

export const CONTENT_IMAGE_STATUSES = ['pending', 'generated', 'failed'] as const;
export const ZContentImageStatus = z.enum(CONTENT_IMAGE_STATUSES);

/** Alt text is what screen readers say: required, at most 250 characters. */
export const ALT_TEXT_MAX = 250;
export const IMAGE_TITLE_MAX = 200;

const uuid = (what: string) => z.uuid({ message: `must be a ${what} id (UUID)` });

export const ZContentImage = z.object({
  id: z.uuid(),
  contentId: z.uuid(),
  role: ZContentImageRole,
  /** 0 for the featured image, 1..N for in-article images in reading order. */
  position: z.number().int(),
  prompt: z.string(),
  altText: z.string(),
  title: z.string(),
  status: ZContentImageStatus,
  mimeType: z.string().nullable(),
  bytes: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Why it was not made, in the product's words (null unless failed). */
  error: z.string().nullable(),
  /** The job that made it. */
  jobId: z.uuid().nullable(),
  /** Where to GET the file (with the same credentials); null until generated. */
  fileUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TContentImage = z.infer<typeof ZContentImage>;

export const ZContentImagesParams = z.object({ contentId: uuid('content') });
export const ZContentImageParams = z.object({ imageId: uuid('image') });

const style = z.string().trim().min(1).max(200);

export const ZGenerateImagesBody = z.object({
  /** The look of every image, e.g. "watercolour illustration" (default "natural photograph"). */
  style: style.optional(),
});
export type TGenerateImagesBody = z.infer<typeof ZGenerateImagesBody>;

export const ZRegenerateImageBody = z.object({
  /** A new prompt for this image; the current one is used again when absent. */
  prompt: z.string().trim().min(10).max(2000).optional(),
  style: style.optional(),
});
export type TRegenerateImageBody = z.infer<typeof ZRegenerateImageBody>;

export const ZUpdateImageBody = z
  .object({
    altText: z
      .string()
      .trim()
      .min(1, { message: 'must not be empty: describe the image for someone who cannot see it' })
      .max(ALT_TEXT_MAX, { message: `must be at most ${ALT_TEXT_MAX} characters` }),
    title: z
      .string()
      .trim()
      .min(1, { message: 'must not be empty' })
      .max(IMAGE_TITLE_MAX, { message: `must be at most ${IMAGE_TITLE_MAX} characters` }),
  })
  .partial()
  .refine((b) => b.altText !== undefined || b.title !== undefined, {
    message: 'send altText, title or both',
  });
export type TUpdateImageBody = z.infer<typeof ZUpdateImageBody>;

/** A started image job (202). */
export const ZImagesJobAccepted = z.object({
  jobId: z.uuid(),
  status: z.string(),
  pollUrl: z.string(),
  heldCredits: z.number().int(),
  model: z.string(),
});
export type TImagesJobAccepted = z.infer<typeof ZImagesJobAccepted>;
