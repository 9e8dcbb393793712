import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ZApproveContentBody,
  ZContent,
  ZContentDiff,
  ZContentDiffQuery,
  ZWriterContentParams,
  ZContentSectionParams,
  ZContentVersion,
  ZContentVersionMeta,
  ZContentVersionParams,
  ZEditContentBody,
  ZRestoreContentBody,
  ZWriterJobAccepted,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { WriterServices } from './index.ts';
import { heldRunAccepted } from '../ai/runs-service.ts';

const security = [{ bearer: [] }];
const read = { scope: 'writer:read' } as const;
const write = { role: 'editor', scope: 'writer:write' } as const;
const tags = ['writer'];

/** Review of written content: versions, diffs, edits, restores, rewriting one section, approval. */
export const writerContentRoutes: FastifyPluginAsyncZod<Pick<WriterServices, 'contents'>> = async (
  app,
  { contents },
) => {
  app.get('/contents/:contentId', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'A content: its current version, its task and whether it is approved',
      security,
      params: ZWriterContentParams,
      response: { 200: reply(ZContent) },
    },
    handler: async (request) => ok(await contents.get(request.auth, request.params.contentId)),
  });

  app.get('/contents/:contentId/versions', {
    config: { auth: read },
    schema: {
      tags,
      summary: "A content's versions, newest first (without their bodies)",
      security,
      params: ZWriterContentParams,
      response: { 200: reply(z.array(ZContentVersionMeta)) },
    },
    handler: async (request) => ok(await contents.versions(request.auth, request.params.contentId)),
  });

  app.get('/contents/:contentId/versions/:number', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'One version of a content, whole',
      security,
      params: ZContentVersionParams,
      response: { 200: reply(ZContentVersion) },
    },
    handler: async (request) =>
      ok(await contents.version(request.auth, request.params.contentId, request.params.number)),
  });

  app.get('/contents/:contentId/diff', {
    config: { auth: read },
    schema: {
      tags,
      summary:
        'What changed between two versions (by default the current one and the one before): a word diff of each ' +
        "field and of each section's text",
      security,
      params: ZWriterContentParams,
      querystring: ZContentDiffQuery,
      response: { 200: reply(ZContentDiff) },
    },
    handler: async (request) => ok(await contents.diff(request.auth, request.params.contentId, request.query)),
  });

  app.patch('/contents/:contentId', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Edit a content (a new version); baseVersion must be the current version, else 409',
      security,
      params: ZWriterContentParams,
      body: ZEditContentBody,
      response: { 200: reply(ZContent) },
    },
    handler: async (request) => ok(await contents.edit(request.auth, request.params.contentId, request.body)),
  });

  app.post('/contents/:contentId/restore', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Make an earlier version current again (as a new version; history is kept)',
      security,
      params: ZWriterContentParams,
      body: ZRestoreContentBody,
      response: { 200: reply(ZContent) },
    },
    handler: async (request) =>
      ok(await contents.restore(request.auth, request.params.contentId, request.body.version)),
  });

  app.post('/contents/:contentId/sections/:index/regenerate', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Rewrite one section with AI (paid; a new version where only that section changes); poll the job',
      security,
      headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }),
      params: ZContentSectionParams,
      response: { 202: reply(ZWriterJobAccepted) },
    },
    handler: async (request, res) => {
      const started = await contents.regenerateSection(
        request.auth,
        request.id,
        request.params.contentId,
        request.params.index,
        request.headers['idempotency-key'],
      );
      return res.status(202).send(ok(heldRunAccepted(started)));
    },
  });

  app.post('/contents/:contentId/approve', {
    config: { auth: write },
    schema: {
      tags,
      summary:
        'Approve the current version for publishing (422 when its language is not the one asked for, unless ' +
        'acceptLanguageMismatch)',
      security,
      params: ZWriterContentParams,
      body: ZApproveContentBody.nullish(),
      response: { 200: reply(ZContent) },
    },
    handler: async (request) =>
      ok(
        await contents.approve(
          request.auth,
          request.params.contentId,
          request.body ?? { acceptLanguageMismatch: false },
        ),
      ),
  });
};
