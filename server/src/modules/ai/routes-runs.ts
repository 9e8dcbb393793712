import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageOf, ZAiCall, ZAiCallsQuery, ZAiRunAccepted, ZStartAiRunBody } from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { AiCallsService } from './calls-service.ts';
import { heldRunAccepted, type AiRunsService } from './runs-service.ts';

export const aiRunRoutes: FastifyPluginAsyncZod<{ runs: AiRunsService; calls: AiCallsService }> = async (
  app,
  { runs, calls },
) => {
  app.post('/ai/runs', {
    config: { auth: { role: 'editor', scope: 'jobs:write' } },
    schema: {
      tags: ['ai'],
      summary: 'Run an AI function as a job: credits are held now (402 when short), the unused part is given back',
      security: [{ bearer: [] }],
      headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }),
      body: ZStartAiRunBody,
      response: { 202: reply(ZAiRunAccepted) },
    },
    handler: async (request, res) => {
      const started = await runs.start(request.auth, request.id, request.body, request.headers['idempotency-key']);
      return res.status(202).send(ok(heldRunAccepted(started)));
    },
  });

  app.get('/ai/calls', {
    config: { auth: { scope: 'jobs:read' } },
    schema: {
      tags: ['ai'],
      summary: "The account's provider calls (every attempt, with tokens, cost and latency), newest first",
      security: [{ bearer: [] }],
      querystring: ZAiCallsQuery,
      response: { 200: reply(pageOf(ZAiCall)) },
    },
    handler: async (request) => ok(await calls.list(request.auth.accountId, request.query)),
  });
};
