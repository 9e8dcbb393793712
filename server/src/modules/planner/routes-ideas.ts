import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZClusterIdeasParams,
  ZConvertIdeasBody,
  ZCreateIdeaBody,
  ZGenerateIdeasAccepted,
  ZGenerateIdeasBody,
  ZIdea,
  ZIdeaParams,
  ZIdeasQuery,
  ZTask,
  ZTasksQuery,
  ZUpdateIdeaBody,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { PlannerServices } from './index.ts';
import { heldRunAccepted } from '../ai/runs-service.ts';

const security = [{ bearer: [] }];
const read = { scope: 'planner:read' } as const;
const write = { role: 'editor', scope: 'planner:write' } as const;

export const plannerIdeasRoutes: FastifyPluginAsyncZod<PlannerServices> = async (app, { ideas, ideasConvert }) => {
  app.post('/clusters/:clusterId/ideas/generate', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: 'Generate content ideas for a cluster with AI: credits are held now (402 when short)',
      security,
      headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }),
      params: ZClusterIdeasParams,
      body: ZGenerateIdeasBody.optional().default({ count: 5 }),
      response: { 202: reply(ZGenerateIdeasAccepted) },
    },
    handler: async (request, res) => {
      const started = await ideas.generate(
        request.auth,
        request.id,
        request.params.clusterId,
        request.body ?? { count: 5 },
        request.headers['idempotency-key'],
      );
      return res.status(202).send(ok(heldRunAccepted(started)));
    },
  });

  app.get('/ideas', {
    config: { auth: read },
    schema: {
      tags: ['planner'],
      summary: "A site's content ideas, newest first",
      security,
      querystring: ZIdeasQuery,
      response: { 200: reply(pageOf(ZIdea)) },
    },
    handler: async (request) => ok(await ideas.list(request.auth, request.query)),
  });

  app.post('/ideas', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: 'Write an idea for a cluster by hand',
      security,
      body: ZCreateIdeaBody,
      response: { 201: reply(ZIdea) },
    },
    handler: async (request, res) => res.status(201).send(ok(await ideas.create(request.auth, request.body))),
  });

  app.post('/ideas/convert', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: 'Turn approved ideas into Writer tasks (one task per idea, never two)',
      security,
      body: ZConvertIdeasBody,
      response: { 200: reply(z.array(ZTask)) },
    },
    handler: async (request) => ok(await ideasConvert.convert(request.auth, request.body.ideaIds)),
  });

  app.get('/ideas/:ideaId', {
    config: { auth: read },
    schema: { tags: ['planner'], summary: 'An idea', security, params: ZIdeaParams, response: { 200: reply(ZIdea) } },
    handler: async (request) => ok(await ideas.get(request.auth, request.params.ideaId)),
  });

  app.patch('/ideas/:ideaId', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: 'Change an idea (until it is turned into a task)',
      security,
      params: ZIdeaParams,
      body: ZUpdateIdeaBody,
      response: { 200: reply(ZIdea) },
    },
    handler: async (request) => ok(await ideas.update(request.auth, request.params.ideaId, request.body)),
  });

  for (const action of ['approve', 'reject'] as const) {
    app.post(`/ideas/:ideaId/${action}`, {
      config: { auth: write },
      schema: {
        tags: ['planner'],
        summary: action === 'approve' ? 'Approve an idea' : 'Reject an idea',
        security,
        params: ZIdeaParams,
        response: { 200: reply(ZIdea) },
      },
      handler: async (request) => ok(await ideas[action](request.auth, request.params.ideaId)),
    });
  }

  app.delete('/ideas/:ideaId', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: 'Delete an idea (a task made from it stays)',
      security,
      params: ZIdeaParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await ideas.remove(request.auth, request.params.ideaId);
      return ok(null, 'Idea deleted.');
    },
  });

  app.get('/tasks', {
    config: { auth: read },
    schema: {
      tags: ['planner'],
      summary: "A site's Writer tasks, newest first",
      security,
      querystring: ZTasksQuery,
      response: { 200: reply(pageOf(ZTask)) },
    },
    handler: async (request) => ok(await ideasConvert.tasks(request.auth, request.query)),
  });
};
