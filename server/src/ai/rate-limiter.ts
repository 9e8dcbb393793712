import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { AiError } from './errors.ts';

export interface RateLimitedKey {
  id: string;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

const WINDOW_MS = 60_000;

/**
 * Requests and tokens per minute per provider key, shared by every worker process through one row per key and
 * minute. A request takes its place with one conditional upsert; when the minute is full it waits for the next one
 * instead of calling the provider and collecting a 429.
 */
export function createRateLimiter(prisma: PrismaClient, clock: () => number = Date.now) {
  return {
    async acquire(key: RateLimitedKey, estimatedTokens: number, signal?: AbortSignal): Promise<Date | null> {
      if (!key.requestsPerMinute && !key.tokensPerMinute) return null;
      const rpm = key.requestsPerMinute ?? 2_147_483_647;
      const tpm = key.tokensPerMinute ?? 2_147_483_647;
      // One request larger than the whole budget could never run; let it through alone in its own minute.
      const tokens = Math.min(estimatedTokens, tpm);
      for (;;) {
        if (signal?.aborted) throw new AiError('cancelled', 'The AI request was cancelled.', 'engine');
        const now = clock();
        const windowStart = new Date(Math.floor(now / WINDOW_MS) * WINDOW_MS);
        const rows = await prisma.$queryRaw<{ requests: number }[]>`
          INSERT INTO "ProviderRateWindow" ("credentialId", "windowStart", requests, tokens)
          VALUES (${key.id}::uuid, ${windowStart}, 1, ${tokens})
          ON CONFLICT ("credentialId", "windowStart") DO UPDATE
            SET requests = "ProviderRateWindow".requests + 1, tokens = "ProviderRateWindow".tokens + EXCLUDED.tokens
            WHERE "ProviderRateWindow".requests + 1 <= ${rpm} AND "ProviderRateWindow".tokens + EXCLUDED.tokens <= ${tpm}
          RETURNING requests`;
        if (rows.length) return windowStart;
        const wait = windowStart.getTime() + WINDOW_MS - now + Math.floor(Math.random() * 250);
        try {
          await sleep(wait, undefined, signal ? { signal } : {});
        } catch {
          throw new AiError('cancelled', 'The AI request was cancelled.', 'engine');
        }
      }
    },

    /** Corrects the window's token count once the real usage is known. */
    async settle(key: RateLimitedKey, windowStart: Date | null, estimatedTokens: number, actualTokens: number) {
      if (!windowStart || !key.tokensPerMinute) return;
      const delta = actualTokens - Math.min(estimatedTokens, key.tokensPerMinute);
      if (delta === 0) return;
      await prisma.$executeRaw`
        UPDATE "ProviderRateWindow" SET tokens = GREATEST(0, tokens + ${delta})
        WHERE "credentialId" = ${key.id}::uuid AND "windowStart" = ${windowStart}`;
    },

    /** Old windows are of no use. */
    async purge(olderThanMs = 10 * WINDOW_MS) {
      await prisma.providerRateWindow.deleteMany({ where: { windowStart: { lt: new Date(clock() - olderThanMs) } } });
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
