/**
 * "Featured image" in the editor sidebar, without React: the fields' problems, the body of
 * `writer/editor-images[/estimate]`, and makeFeaturedImage (start the paid image, follow its job, add the file to
 * the media library through the plugin's igny8/v1/editor-images/{id}/attachment route). The sidebar then sets the
 * attachment as the post's featured image; the person saves the post.
 */
import type { EDITOR_IMAGE_LIMITS, TEditorImageAccepted, TEditorImageBody } from '@igny8/shared';
import { __, sprintf } from '@wordpress/i18n';
import { CURRENT_SITE } from '../api/client';
import type { JobPolling } from '../store/operations';
import type { EditorAttachment } from '../store/writer/types';
import { chargedCredits } from './credits';
import { followRun, type RunProgress } from './job';

/** The server's bounds (shared EDITOR_IMAGE_LIMITS and ZEditorImageBody). */
export const IMAGE_LIMITS = {
  promptMin: 3,
  promptMax: 1000 satisfies (typeof EDITOR_IMAGE_LIMITS)['prompt'],
  altText: 300 satisfies (typeof EDITOR_IMAGE_LIMITS)['altText'],
} as const;

export interface ImageFields {
  prompt: string;
  /** Empty: the server writes one from the prompt. */
  altText: string;
}

/** Why the fields cannot be sent yet, in the sidebar's words; null when they can. */
export const imageProblem = (fields: ImageFields): string | null => {
  const prompt = fields.prompt.trim();
  if (prompt.length < IMAGE_LIMITS.promptMin) {
    return __('Describe the image in a few words (or give the post a title).', 'igny8');
  }
  if (prompt.length > IMAGE_LIMITS.promptMax) {
    /* translators: %d: maximum number of characters */
    return sprintf(__('The description is too long: keep it under %d characters.', 'igny8'), IMAGE_LIMITS.promptMax);
  }
  if (fields.altText.trim().length > IMAGE_LIMITS.altText) {
    /* translators: %d: maximum number of characters */
    return sprintf(__('The alt text is too long: keep it under %d characters.', 'igny8'), IMAGE_LIMITS.altText);
  }
  return null;
};

/** The image for this site and post; an empty alt text is left out (the server writes one from the prompt). */
export const imageBody = (fields: ImageFields, postId: number | null): TEditorImageBody => {
  const altText = fields.altText.trim();
  return {
    siteId: CURRENT_SITE,
    prompt: fields.prompt.trim(),
    ...(altText !== '' ? { altText } : {}),
    ...(postId !== null && postId > 0 ? { wpPostId: postId } : {}),
  };
};

/** The network calls makeFeaturedImage makes (the writer store's, wired in featured-image-panel.tsx), replaceable in tests. */
export interface ImageApi extends JobPolling {
  start: (body: TEditorImageBody, idempotencyKey: string) => Promise<TEditorImageAccepted>;
  attach: (editorImageId: string, postId: number) => Promise<EditorAttachment>;
}

export interface FeaturedImage {
  editorImageId: string;
  attachment: EditorAttachment;
  /** What the run charged, when the job says. */
  charged: number | null;
}

/**
 * Starts the paid image (credits held now, the Idempotency-Key protecting a retry), follows its job, then adds the
 * file to the media library, attached to the post. `onMade` hears the image's id as soon as the job succeeded, so
 * a failure to add it can be retried (attachImage) without making and paying for another image.
 */
export async function makeFeaturedImage(
  api: ImageApi,
  body: TEditorImageBody,
  postId: number,
  idempotencyKey: string,
  onProgress: (progress: RunProgress) => void,
  onMade: (editorImageId: string, charged: number | null) => void,
): Promise<FeaturedImage> {
  onProgress({ progress: 0, step: null, heldCredits: null });
  const started = await api.start(body, idempotencyKey);
  const result = await followRun(api, started, onProgress, {
    failed: __('Making the image failed; no credits were charged. Try again.', 'igny8'),
    cancelled: __('Making the image was cancelled.', 'igny8'),
  });
  const charged = chargedCredits(result);
  onMade(started.editorImageId, charged);
  const attachment = await api.attach(started.editorImageId, postId);
  return { editorImageId: started.editorImageId, attachment, charged };
}
