import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ZAiRunAccepted, ZStartAiRunBody } from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../lib/envelope.ts';
import type { createAiRunsService } from './runs-service.ts';

export const aiRunRoutes: FastifyPluginAsyncZod<{ runs: ReturnType<typeof createAiRunsService> }> = async (
  app,
  { runs },
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
      return res.status(202).send(
        ok({
          jobId: started.run.id,
          status: started.run.status,
          pollUrl: `/api/v1/jobs/${started.run.id}`,
          heldCredits: started.heldCredits,
          model: started.model,
        }),
      );
    },
  });
};
