import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ZBlockRewriteBody,
  ZEditorImage,
  ZEditorImageAccepted,
  ZEditorImageBody,
  ZEditorImageParams,
  ZWriterEstimate,
  ZWriterJobAccepted,
} from '@igny8/shared';
import { z } from 'zod';
import { heldRunAccepted } from '../ai/runs-service.ts';
import { ok, reply } from '../../lib/envelope.ts';
import type { WriterServices } from './index.ts';
import { sendImageFile } from './routes-images.ts';

const security = [{ bearer: [] }];
const read = { scope: 'writer:read' } as const;
const write = { role: 'editor', scope: 'writer:write' } as const;
const tags = ['writer'];
const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(8).max(200).optional() });

/** The block editor's AI tools: rewrite one block, make a featured image for a post. */
export const writerEditorRoutes: FastifyPluginAsyncZod<Pick<WriterServices, 'editor'>> = async (
  app,
  { editor: tools },
) => {
  app.post('/blocks/estimate', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'The credits rewriting this block would hold (the same estimate the rewrite job holds)',
      security,
      body: ZBlockRewriteBody,
      response: { 200: reply(ZWriterEstimate) },
    },
    handler: async (request) => ok(await tools.estimateRewrite(request.auth, request.body)),
  });

  app.post('/blocks/rewrite', {
    config: { auth: write },
    schema: {
      tags,
      summary:
        'Rewrite one block of a post with AI (improve: same meaning and length, clearer; regenerate: written anew): ' +
        'credits held now (402 when short); the job result is { markup }, serialized markup of the same block type',
      security,
      headers: idempotencyHeaders,
      body: ZBlockRewriteBody,
      response: { 202: reply(ZWriterJobAccepted) },
    },
    handler: async (request, res) => {
      const started = await tools.rewrite(request.auth, request.id, request.body, request.headers['idempotency-key']);
      return res.status(202).send(ok(heldRunAccepted(started)));
    },
  });

  app.post('/editor-images/estimate', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'The credits making a featured image from this prompt would hold',
      security,
      body: ZEditorImageBody,
      response: { 200: reply(ZWriterEstimate) },
    },
    handler: async (request) => ok(await tools.estimateImage(request.auth, request.body)),
  });

  app.post('/editor-images', {
    config: { auth: write },
    schema: {
      tags,
      summary:
        "Make a featured image for a post from a prompt with the account's image model: credits held now (402 when " +
        'short); poll the job, then fetch the file',
      security,
      headers: idempotencyHeaders,
      body: ZEditorImageBody,
      response: { 202: reply(ZEditorImageAccepted) },
    },
    handler: async (request, res) => {
      const { started, editorImageId } = await tools.generateImage(
        request.auth,
        request.id,
        request.body,
        request.headers['idempotency-key'],
      );
      return res.status(202).send(ok({ ...heldRunAccepted(started), editorImageId }));
    },
  });

  app.get('/editor-images/:editorImageId', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'An image made from the block editor: status, alt text and file details',
      security,
      params: ZEditorImageParams,
      response: { 200: reply(ZEditorImage) },
    },
    handler: async (request) => ok(await tools.getImage(request.auth, request.params.editorImageId)),
  });

  app.get('/editor-images/:editorImageId/file', {
    config: { auth: read },
    schema: {
      tags,
      summary: "An editor image's file (PNG bytes); 404 until it is made",
      security,
      params: ZEditorImageParams,
    },
    handler: async (request, res) =>
      sendImageFile(res, await tools.imageFile(request.auth, request.params.editorImageId)),
  });
};
