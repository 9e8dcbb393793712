import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { rateWindowsData } from './data/rate-windows.ts';
import { AiError } from './errors.ts';

export interface RateLimitedKey {
  id: string;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface RateLimiterOptions {
  /** The window the limits apply to (providers use a sliding minute). */
  windowMs?: number;
  clock?: () => number;
}

/**
 * Requests and tokens per minute per provider key, shared by every worker process. Providers enforce a SLIDING
 * minute, so a fixed window would let a burst at each window edge through and collect 429s; this keeps counts in
 * 60 buckets per window and admits a request only when the last full window still has room. A per-key advisory
 * lock serializes the check-and-count across processes (data/rate-windows.ts). A request that cannot go now waits
 * until the oldest counted bucket leaves the window.
 */
export function createRateLimiter(prisma: PrismaClient, options: RateLimiterOptions = {}) {
  const windowMs = options.windowMs ?? 60_000;
  const bucketMs = Math.max(1, Math.floor(windowMs / 60));
  const clock = options.clock ?? Date.now;
  const windows = rateWindowsData(prisma);

  return {
    async acquire(key: RateLimitedKey, estimatedTokens: number, signal?: AbortSignal): Promise<Date | null> {
      if (!key.requestsPerMinute && !key.tokensPerMinute) return null;
      const rpm = key.requestsPerMinute ?? 2_147_483_647;
      const tpm = key.tokensPerMinute ?? 2_147_483_647;
      // One request larger than the whole budget could never run; let it through when the window is empty.
      const tokens = Math.min(estimatedTokens, tpm);
      for (;;) {
        if (signal?.aborted) throw new AiError('cancelled', 'The AI request was cancelled.', 'engine');
        const now = clock();
        const bucket = new Date(Math.floor(now / bucketMs) * bucketMs);
        // Count the bucket straddling the window's start as still inside: the provider measures to the millisecond,
        // and admitting by whole buckets would let a few requests through early (measured: 17 429s in 500).
        const since = new Date(now - windowMs - bucketMs);
        const result = await windows.admit(
          key.id,
          since,
          bucket,
          tokens,
          (used) => used.requests + 1 <= rpm && used.tokens + tokens <= tpm,
        );
        if (result.admitted) return bucket;
        const oldest = result.used.oldest ? new Date(result.used.oldest).getTime() : now;
        const waitMs = Math.max(bucketMs, oldest + windowMs + bucketMs - now + bucketMs);
        try {
          await sleep(waitMs + Math.floor(Math.random() * bucketMs), undefined, signal ? { signal } : {});
        } catch {
          throw new AiError('cancelled', 'The AI request was cancelled.', 'engine');
        }
      }
    },

    /** Corrects the bucket's token count once the real usage is known. */
    async settle(key: RateLimitedKey, bucket: Date | null, estimatedTokens: number, actualTokens: number) {
      if (!bucket || !key.tokensPerMinute) return;
      const delta = actualTokens - Math.min(estimatedTokens, key.tokensPerMinute);
      if (delta === 0) return;
      await windows.adjustTokens(key.id, bucket, delta);
    },

    /** Buckets older than the window are of no use. */
    async purge() {
      await windows.purgeBefore(new Date(clock() - 2 * windowMs));
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
