import type { TAiFunction } from '@igny8/shared';
import type { Db } from '../../../db/client.ts';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { afterCursor, newestFirst } from '../../../lib/pagination.ts';

/** The AiCall log: one row per provider request (every attempt), with tokens, cost and latency. */
export function aiCallsData(db: Db) {
  return {
    /** Records one attempt. */
    record(data: Prisma.AiCallUncheckedCreateInput) {
      return db.aiCall.create({ data });
    },

    /** An account's calls, newest first, one more than `limit` (pageFrom splits off the cursor). */
    list(
      accountId: string,
      query: { jobId?: string | undefined; fn?: TAiFunction | undefined; cursor?: string | undefined; limit: number },
    ) {
      return db.aiCall.findMany({
        where: {
          accountId,
          ...(query.jobId ? { jobRunId: query.jobId } : {}),
          ...(query.fn ? { function: query.fn } : {}),
          ...afterCursor(query.cursor),
        },
        orderBy: newestFirst,
        take: query.limit + 1,
      });
    },
  };
}

export type AiCallsData = ReturnType<typeof aiCallsData>;
