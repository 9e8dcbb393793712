import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ZContentImage,
  ZContentImageParams,
  ZContentImagesParams,
  ZGenerateImagesBody,
  ZImagesJobAccepted,
  ZRegenerateImageBody,
  ZUpdateImageBody,
} from '@igny8/shared';
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import { ok, reply } from '../../lib/envelope.ts';
import type { WriterServices } from './index.ts';
import { heldRunAccepted, type HeldJobStarted } from '../ai/runs-service.ts';

const security = [{ bearer: [] }];
const read = { scope: 'writer:read' } as const;
const write = { role: 'editor', scope: 'writer:write' } as const;
const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(8).max(200).optional() });

const accepted = (started: HeldJobStarted) => ok(heldRunAccepted(started));

/**
 * Answers an image's bytes (storedImageFile). An image made again gets a new id, so the bytes behind one URL never
 * change and may be cached for good.
 */
export function sendImageFile(res: FastifyReply, file: { bytes: Buffer; mimeType: string; filename: string }) {
  return res
    .header('content-type', file.mimeType)
    .header('content-length', String(file.bytes.length))
    .header('content-disposition', `inline; filename="${file.filename}"`)
    .header('cache-control', 'private, max-age=31536000, immutable')
    .send(file.bytes);
}

/** A content's images: generation (paid jobs), listing, the files themselves, alt text and title edits. */
export const writerImagesRoutes: FastifyPluginAsyncZod<Pick<WriterServices, 'images'>> = async (app, { images }) => {
  app.post('/contents/:contentId/images/generate', {
    config: { auth: write },
    schema: {
      tags: ['writer'],
      summary:
        "Make a content's featured and in-article images with AI from its current text (replaces earlier images): " +
        'credits are held now (402 when short); 409 when the content has no text yet',
      security,
      headers: idempotencyHeaders,
      params: ZContentImagesParams,
      body: ZGenerateImagesBody.nullish(),
      response: { 202: reply(ZImagesJobAccepted) },
    },
    handler: async (request, res) => {
      const started = await images.generate(
        request.auth,
        request.id,
        request.params.contentId,
        request.body ?? {},
        request.headers['idempotency-key'],
      );
      return res.status(202).send(accepted(started));
    },
  });

  app.get('/contents/:contentId/images', {
    config: { auth: read },
    schema: {
      tags: ['writer'],
      summary: "A content's images, featured first, then in-article images in reading order",
      security,
      params: ZContentImagesParams,
      response: { 200: reply(z.array(ZContentImage)) },
    },
    handler: async (request) => ok(await images.list(request.auth, request.params.contentId)),
  });

  app.get('/images/:imageId', {
    config: { auth: read },
    schema: {
      tags: ['writer'],
      summary: 'An image: prompt, alt text, title, status and file details',
      security,
      params: ZContentImageParams,
      response: { 200: reply(ZContentImage) },
    },
    handler: async (request) => ok(await images.get(request.auth, request.params.imageId)),
  });

  app.get('/images/:imageId/file', {
    config: { auth: read },
    schema: {
      tags: ['writer'],
      summary: "An image's file (PNG bytes); 404 until it is generated",
      security,
      params: ZContentImageParams,
    },
    handler: async (request, res) => sendImageFile(res, await images.file(request.auth, request.params.imageId)),
  });

  app.patch('/images/:imageId', {
    config: { auth: write },
    schema: {
      tags: ['writer'],
      summary: "Change an image's alt text (1-250 characters) or title (1-200)",
      security,
      params: ZContentImageParams,
      body: ZUpdateImageBody,
      response: { 200: reply(ZContentImage) },
    },
    handler: async (request) => ok(await images.update(request.auth, request.params.imageId, request.body)),
  });

  app.post('/images/:imageId/regenerate', {
    config: { auth: write },
    schema: {
      tags: ['writer'],
      summary:
        'Make one image again, optionally from a new prompt (the other images stay; the old picture is kept until ' +
        'the new one exists): credits held now (402 when short)',
      security,
      headers: idempotencyHeaders,
      params: ZContentImageParams,
      body: ZRegenerateImageBody.nullish(),
      response: { 202: reply(ZImagesJobAccepted) },
    },
    handler: async (request, res) => {
      const started = await images.regenerate(
        request.auth,
        request.id,
        request.params.imageId,
        request.body ?? {},
        request.headers['idempotency-key'],
      );
      return res.status(202).send(accepted(started));
    },
  });
};
