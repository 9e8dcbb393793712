import type { TEditorImageBody } from '@igny8/shared';
import { errors } from '../../errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { editorImageJob, type TEditorImagePayload } from './contracts.ts';
import type { WriterServiceDeps } from './deps.ts';
import { findEditorSite } from './editor-rewrite.ts';
import { cleanAltText, DEFAULT_IMAGE_STYLE, editorImageView, imagePrompt, storedImageFile } from './images.ts';

/** The block editor's featured images: made from a prompt for any post of a connected site (a paid job). */
export function createEditorImages({ data, runs, media }: WriterServiceDeps) {
  async function findImage(auth: AuthContext, editorImageId: string) {
    const image = await data.images.findEditorImage(auth.accountId, editorImageId);
    if (!image) throw errors.notFound('Image', editorImageId);
    return image;
  }

  async function estimateImage(accountId: string, siteId: string, prompt: string) {
    return runs.estimate(accountId, siteId, 'generate_images', {
      prompt: imagePrompt(prompt),
      style: DEFAULT_IMAGE_STYLE,
    });
  }

  return {
    async estimateImage(auth: AuthContext, body: TEditorImageBody) {
      const site = await findEditorSite(data, auth, body.siteId);
      const estimated = await estimateImage(auth.accountId, site.id, body.prompt);
      return runs.withSiteBudget(auth.accountId, site.id, estimated);
    },

    /**
     * Starts making a featured image from a prompt with the account's image model (one picture, credits held now).
     * The image's id is the job's: the same Idempotency-Key answers the same image.
     */
    async generateImage(auth: AuthContext, requestId: string, body: TEditorImageBody, idempotencyKey?: string) {
      const site = await findEditorSite(data, auth, body.siteId);
      const prompt = body.prompt.replace(/\s+/g, ' ').trim();
      const fields = {
        siteId: site.id,
        prompt,
        altText: body.altText?.replace(/\s+/g, ' ').trim() || cleanAltText(undefined, prompt),
        wpPostId: body.wpPostId ?? null,
      };
      const started = await runs.startHeld(auth, requestId, {
        type: editorImageJob.type,
        operation: 'generate_images',
        siteId: site.id,
        body,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        estimate: () => estimateImage(auth.accountId, site.id, prompt),
        payload: ({ holdId, jobId }) =>
          ({
            editorImageId: jobId,
            ...fields,
            style: DEFAULT_IMAGE_STYLE,
            holdId,
          }) satisfies TEditorImagePayload,
      });
      await data.images.ensureEditorImage(auth.accountId, started.run.id, fields);
      return { started, editorImageId: started.run.id };
    },

    async getImage(auth: AuthContext, editorImageId: string) {
      return editorImageView(await findImage(auth, editorImageId));
    },

    /** The image's bytes; 404 until it is made (or when its file is gone from the storage). */
    async imageFile(auth: AuthContext, editorImageId: string) {
      return storedImageFile(media, await findImage(auth, editorImageId), 'make a new one');
    },
  };
}
