import type { PrismaClient } from '../../../generated/prisma/client.ts';

/**
 * The shared rate-limit counts (ProviderRateWindow): requests and tokens per key per time bucket. A per-key advisory
 * lock serializes the check-and-count across processes.
 */
export function rateWindowsData(prisma: PrismaClient) {
  return {
    /**
     * In one transaction under the key's advisory lock: what the key used since `since`, and when the request fits
     * (`fits(requests, tokens)`), counts it in `bucket`. Answers the usage read and whether it was counted.
     */
    admit(
      credentialId: string,
      since: Date,
      bucket: Date,
      tokens: number,
      fits: (used: { requests: number; tokens: number }) => boolean,
    ) {
      return prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${credentialId}))::text`;
        const [used] = await tx.$queryRaw<{ requests: number; tokens: number; oldest: Date | null }[]>`
          SELECT COALESCE(SUM(requests), 0)::int AS requests, COALESCE(SUM(tokens), 0)::int AS tokens,
                 MIN("windowStart") AS oldest
          FROM "ProviderRateWindow" WHERE "credentialId" = ${credentialId}::uuid AND "windowStart" >= ${since}`;
        if (fits(used!)) {
          await tx.$executeRaw`
            INSERT INTO "ProviderRateWindow" ("credentialId", "windowStart", requests, tokens)
            VALUES (${credentialId}::uuid, ${bucket}, 1, ${tokens})
            ON CONFLICT ("credentialId", "windowStart") DO UPDATE
              SET requests = "ProviderRateWindow".requests + 1, tokens = "ProviderRateWindow".tokens + EXCLUDED.tokens`;
          return { admitted: true as const, used: used! };
        }
        return { admitted: false as const, used: used! };
      });
    },

    /** Adds `delta` tokens (never below zero) to a bucket. */
    async adjustTokens(credentialId: string, bucket: Date, delta: number) {
      await prisma.$executeRaw`
        UPDATE "ProviderRateWindow" SET tokens = GREATEST(0, tokens + ${delta})
        WHERE "credentialId" = ${credentialId}::uuid AND "windowStart" = ${bucket}`;
    },

    async purgeBefore(before: Date) {
      await prisma.providerRateWindow.deleteMany({ where: { windowStart: { lt: before } } });
    },
  };
}
