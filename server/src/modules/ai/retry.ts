import { setTimeout as sleep } from 'node:timers/promises';
import { AiError } from './errors.ts';

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/** Full jitter (AWS architecture blog): random in [0, min(max, base * 2^n)]; never less than the server asked. */
export function backoffMs(attempt: number, policy: RetryPolicy, retryAfter?: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return Math.max(jittered, retryAfter ?? 0);
}

/**
 * Calls `fn` until it succeeds, a non-retryable AiError is thrown, attempts run out, or `signal` aborts. The SDKs'
 * own retries are turned off (maxRetries: 0) so that this is the only place attempts are counted.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: {
    policy?: RetryPolicy;
    signal?: AbortSignal;
    onRetry?: (error: AiError, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new AiError('cancelled', 'The AI request was cancelled.', 'engine');
    try {
      return await fn(attempt);
    } catch (error) {
      if (!(error instanceof AiError) || !error.retryable || attempt >= policy.maxAttempts) throw error;
      const delay = backoffMs(attempt, policy, error.retryAfterMs);
      options.onRetry?.(error, attempt, delay);
      try {
        await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
      } catch {
        throw new AiError('cancelled', 'The AI request was cancelled.', error.provider);
      }
    }
  }
}
