import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pageOf, ZAiCall, ZAiCallsQuery, ZAiRunAccepted, ZStartAiRunBody } from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import { afterCursor, newestFirst, pageFrom } from '../../lib/pagination.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { heldRunAccepted, type createAiRunsService } from './runs-service.ts';

export const aiRunRoutes: FastifyPluginAsyncZod<{
  runs: ReturnType<typeof createAiRunsService>;
  prisma: PrismaClient;
}> = async (app, { runs, prisma }) => {
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
    handler: async (request) => {
      const { jobId, function: fn, limit, cursor } = request.query;
      const rows = await prisma.aiCall.findMany({
        where: {
          accountId: request.auth.accountId,
          ...(jobId ? { jobRunId: jobId } : {}),
          ...(fn ? { function: fn } : {}),
          ...afterCursor(cursor),
        },
        orderBy: newestFirst,
        take: limit + 1,
      });
      const page = pageFrom(rows, limit);
      return ok({
        items: page.rows.map((c) => ({
          id: c.id,
          jobId: c.jobRunId,
          siteId: c.siteId,
          function: c.function,
          provider: c.provider,
          model: c.model,
          attempt: c.attempt,
          status: c.status === 'ok' ? ('ok' as const) : ('error' as const),
          inputTokens: c.inputTokens,
          outputTokens: c.outputTokens,
          images: c.images,
          costUsd: c.costMicros / 1_000_000,
          latencyMs: c.latencyMs,
          errorCode: c.errorCode,
          createdAt: c.createdAt.toISOString(),
        })),
        nextCursor: page.nextCursor,
      });
    },
  });
};
