import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZPublishContentParams,
  ZPublication,
  ZPublicationsQuery,
  ZPublishAccepted,
  ZPublishBody,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { PublisherService } from './service.ts';

const security = [{ bearer: [] }];
const read = { scope: 'publisher:read' } as const;
const write = { role: 'editor', scope: 'publisher:write' } as const;
const idempotency = z.object({ 'idempotency-key': z.string().min(8).max(200).optional() });

/** Every route of the publisher, under /api/v1/publisher. */
export const publisherRoutes: FastifyPluginAsyncZod<{ publisher: PublisherService }> = async (app, { publisher }) => {
  app.post('/contents/:contentId/publish', {
    config: { auth: write },
    schema: {
      tags: ['publisher'],
      summary:
        "Publish a content's approved version to its WordPress site (a draft, published now, or scheduled); " +
        'republishing updates the same post. Costs no credits.',
      security,
      headers: idempotency,
      params: ZPublishContentParams,
      // No body at all publishes now, without terms.
      body: ZPublishBody.nullish(),
      response: { 202: reply(ZPublishAccepted) },
    },
    handler: async (request, res) =>
      res
        .status(202)
        .send(
          ok(
            await publisher.publish(
              request.auth,
              request.id,
              request.params.contentId,
              request.body ?? ZPublishBody.parse({}),
              request.headers['idempotency-key'],
            ),
          ),
        ),
  });

  app.post('/contents/:contentId/unpublish', {
    config: { auth: write },
    schema: {
      tags: ['publisher'],
      summary: "Take a content's post down: WordPress moves it to the trash (publishing again restores it)",
      security,
      headers: idempotency,
      params: ZPublishContentParams,
      response: { 202: reply(ZPublishAccepted) },
    },
    handler: async (request, res) =>
      res
        .status(202)
        .send(
          ok(
            await publisher.unpublish(
              request.auth,
              request.id,
              request.params.contentId,
              request.headers['idempotency-key'],
            ),
          ),
        ),
  });

  app.get('/contents/:contentId/publication', {
    config: { auth: read },
    schema: {
      tags: ['publisher'],
      summary: "A content's post on its site: status, WordPress post id and URL, the last error",
      security,
      params: ZPublishContentParams,
      response: { 200: reply(ZPublication) },
    },
    handler: async (request) => ok(await publisher.get(request.auth, request.params.contentId)),
  });

  app.get('/publications', {
    config: { auth: read },
    schema: {
      tags: ['publisher'],
      summary: 'Publications of the account, newest first (filter by site and status)',
      security,
      querystring: ZPublicationsQuery,
      response: { 200: reply(pageOf(ZPublication)) },
    },
    handler: async (request) => ok(await publisher.list(request.auth, request.query)),
  });
};
