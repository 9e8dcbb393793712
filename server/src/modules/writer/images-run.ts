import type { TGenerateImagesBody, TRegenerateImageBody } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import {
  generateImagesJob,
  regenerateImageJob,
  type GenerateImagesPayload,
  type RegenerateImagePayload,
} from './contracts.ts';
import type { WriterServiceDeps } from './deps.ts';
import { findImage, findImagesContent } from './images-edit.ts';
import { DEFAULT_IMAGE_STYLE, headingsOf, MAX_INLINE_IMAGES, summaryOf } from './images.ts';
import type { StartOptions } from '../ai/runs-service.ts';

/** The prompt estimates use: an image's price does not depend on its prompt. */
const ESTIMATE_PROMPT = 'An illustration for the article';

/** Making a content's images with AI (paid jobs): all of them, or one again. */
export function createImagesRun({ data, runs }: Pick<WriterServiceDeps, 'data' | 'runs'>) {
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
      options: StartOptions = {},
    ) {
      const content = await findImagesContent(data, auth, contentId);
      const version =
        content.currentVersion > 0 ? await data.contents.findVersion(contentId, content.currentVersion) : null;
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
        type: generateImagesJob.type,
        operation: 'generate_images',
        siteId: content.siteId,
        body: { contentId, version: version.number, style },
        ...(idempotencyKey ? { idempotencyKey } : {}),
        ...options,
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
      const image = await findImage(data, auth, imageId);
      const content = await findImagesContent(data, auth, image.contentId);
      const prompt = body.prompt ?? image.prompt;
      const style = body.style ?? DEFAULT_IMAGE_STYLE;
      return runs.startHeld(auth, requestId, {
        type: regenerateImageJob.type,
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
  };
}
