import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageOf, ZJobListQuery, ZJobParams, ZJobRetryAccepted, ZJobRun } from '@igny8/shared';
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

  app.post('/jobs/:jobId/retry', {
    config: { auth: { role: 'editor', scope: 'jobs:write' } },
    schema: {
      tags: ['jobs'],
      summary:
        'Run a failed job again as a new job with the same input (202). Idempotent: one retry per failed job, ' +
        'asking again answers the same new job. A paid job holds its credits again (402 when the balance is short) ' +
        'and is charged once, when the retry finishes',
      security,
      params: ZJobParams,
      response: { 202: reply(ZJobRetryAccepted) },
    },
    handler: async (request, res) =>
      res.status(202).send(ok(await jobs.retry(request.auth, request.id, request.params.jobId), 'Retry started.')),
  });
};
