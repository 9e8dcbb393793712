import type { TAiCall, TAiFunction } from '@igny8/shared';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { aiCallsData } from './data/calls.ts';

export interface AiCallsQuery {
  jobId?: string | undefined;
  function?: TAiFunction | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The account's provider calls (every attempt, with tokens, cost and latency), for GET /ai/calls. */
export function createAiCallsService({ prisma }: { prisma: PrismaClient }) {
  const data = aiCallsData(prisma);
  return {
    async list(accountId: string, query: AiCallsQuery): Promise<{ items: TAiCall[]; nextCursor: string | null }> {
      const rows = await data.list(accountId, {
        jobId: query.jobId,
        fn: query.function,
        cursor: query.cursor,
        limit: query.limit,
      });
      const page = pageFrom(rows, query.limit);
      return {
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
      };
    },
  };
}

export type AiCallsService = ReturnType<typeof createAiCallsService>;
