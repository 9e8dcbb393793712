import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageOf, ZJobListQuery, ZJobParams, ZJobRun } from '@igny8/shared';
import { ok, reply } from '../../lib/envelope.ts';
import type { JobsService } from './service.ts';

const security = [{ bearer: [] }];

export const jobRoutes: FastifyPluginAsyncZod<{ jobs: JobsService }> = async (app, { jobs }) => {
  app.get('/jobs', {
    config: { auth: { scope: 'jobs:read' } },
    schema: {
      tags: ['jobs'],
      summary: 'Jobs of the account, or of one site (`siteId`), newest first; a connected site lists only its own',
      security,
      querystring: ZJobListQuery,
      response: { 200: reply(pageOf(ZJobRun)) },
    },
    handler: async (request) => ok(await jobs.list(request.auth, request.query)),
  });

  app.get('/jobs/:jobId', {
    config: { auth: { scope: 'jobs:read' } },
    schema: {
      tags: ['jobs'],
      summary: 'A job with its status, progress, steps and result: poll this after a 202',
      security,
      params: ZJobParams,
      response: { 200: reply(ZJobRun) },
    },
    handler: async (request) => ok(await jobs.get(request.auth, request.params.jobId)),
  });

  app.post('/jobs/:jobId/cancel', {
    config: { auth: { role: 'editor', scope: 'jobs:write' } },
    schema: {
      tags: ['jobs'],
      summary: 'Cancel a queued or running job',
      security,
      params: ZJobParams,
      response: { 200: reply(ZJobRun) },
    },
    handler: async (request) => ok(await jobs.cancel(request.auth, request.params.jobId), 'Cancellation requested.'),
  });
};
