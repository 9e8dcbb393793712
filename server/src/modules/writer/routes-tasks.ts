import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZContent,
  ZCreateWriterTaskBody,
  ZGenerateContentBody,
  ZUpdateWriterTaskBody,
  ZWriterEstimate,
  ZWriterEstimateBody,
  ZWriterJobAccepted,
  ZWriterTask,
  ZWriterTaskParams,
  ZWriterTasksQuery,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { WriterServices } from './index.ts';
import { heldRunAccepted } from '../ai/runs-service.ts';

const security = [{ bearer: [] }];
const read = { scope: 'writer:read' } as const;
const write = { role: 'editor', scope: 'writer:write' } as const;
const tags = ['writer'];

/** The Writer's tasks: made by hand here (or from ideas by the planner), changed, deleted and written with AI. */
export const writerTasksRoutes: FastifyPluginAsyncZod<Pick<WriterServices, 'tasks' | 'contents'>> = async (
  app,
  { tasks, contents },
) => {
  app.post('/tasks', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Create a Writer task by hand (without an outline, one is written with the article)',
      security,
      body: ZCreateWriterTaskBody,
      response: { 201: reply(ZWriterTask) },
    },
    handler: async (request, res) => res.status(201).send(ok(await tasks.create(request.auth, request.body))),
  });

  app.post('/estimate', {
    config: { auth: read },
    schema: {
      tags,
      summary:
        'The credits writing a task with these fields would hold (the same estimate the generate job holds), ' +
        'without creating or writing anything',
      security,
      body: ZWriterEstimateBody,
      response: { 200: reply(ZWriterEstimate) },
    },
    handler: async (request) => ok(await tasks.estimate(request.auth, request.body)),
  });

  app.get('/tasks', {
    config: { auth: read },
    schema: {
      tags,
      summary: "The account's Writer tasks (one site's with siteId), newest first, by status",
      security,
      querystring: ZWriterTasksQuery,
      response: { 200: reply(pageOf(ZWriterTask)) },
    },
    handler: async (request) => ok(await tasks.list(request.auth, request.query)),
  });

  app.get('/tasks/:taskId', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'A Writer task with a summary of its content',
      security,
      params: ZWriterTaskParams,
      response: { 200: reply(ZWriterTask) },
    },
    handler: async (request) => ok(await tasks.get(request.auth, request.params.taskId)),
  });

  app.patch('/tasks/:taskId', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Change a Writer task (not while it is being written or published)',
      security,
      params: ZWriterTaskParams,
      body: ZUpdateWriterTaskBody,
      response: { 200: reply(ZWriterTask) },
    },
    handler: async (request) => ok(await tasks.update(request.auth, request.params.taskId, request.body)),
  });

  app.delete('/tasks/:taskId', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Delete a Writer task and its content (not while it is being written or published)',
      security,
      params: ZWriterTaskParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await tasks.remove(request.auth, request.params.taskId);
      return ok(null, 'Task deleted.');
    },
  });

  app.post('/tasks/:taskId/generate', {
    config: { auth: write },
    schema: {
      tags,
      summary:
        'Write the article with AI, section by section: credits are held now (402 when short); poll the job. ' +
        'An approved or published task needs { regenerate: true } (a new version is added)',
      security,
      headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }),
      params: ZWriterTaskParams,
      body: ZGenerateContentBody.nullish(),
      response: { 202: reply(ZWriterJobAccepted) },
    },
    handler: async (request, res) => {
      const started = await tasks.generate(
        request.auth,
        request.id,
        request.params.taskId,
        { regenerate: request.body?.regenerate ?? false },
        request.headers['idempotency-key'],
      );
      return res.status(202).send(ok(heldRunAccepted(started)));
    },
  });

  app.get('/tasks/:taskId/content', {
    config: { auth: read },
    schema: {
      tags,
      summary: "A task's content: the current version, the task and the approval state",
      security,
      params: ZWriterTaskParams,
      response: { 200: reply(ZContent) },
    },
    handler: async (request) => ok(await contents.forTask(request.auth, request.params.taskId)),
  });
};
