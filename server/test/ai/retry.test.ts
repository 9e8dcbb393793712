import { describe, expect, it } from 'vitest';
import { AiError, classifySdkError, retryAfterMs } from '../../src/modules/ai/errors.ts';
import { backoffMs, withRetries } from '../../src/modules/ai/retry.ts';

const policy = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 200 };

describe('backoff', () => {
  it('grows exponentially with full jitter, capped, and never below retry-after', () => {
    expect(backoffMs(1, policy, undefined, () => 1)).toBe(10);
    expect(backoffMs(3, policy, undefined, () => 1)).toBe(40);
    expect(backoffMs(10, policy, undefined, () => 1)).toBe(200);
    expect(backoffMs(3, policy, undefined, () => 0)).toBe(0);
    expect(backoffMs(1, policy, 2_000, () => 1)).toBe(2_000);
  });

  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1_500);
    const inTwo = new Date(Date.now() + 2_000).toUTCString();
    expect(retryAfterMs(new Headers({ 'retry-after': inTwo }))).toBeGreaterThan(0);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe('withRetries', () => {
  it('retries retryable failures, waiting at least what the provider asked', async () => {
    let calls = 0;
    const started = Date.now();
    const result = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw new AiError('rate_limited', 'slow down', 'openai', 150);
        return 'ok';
      },
      { policy },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('does not retry quota, auth or invalid requests', async () => {
    for (const kind of ['quota_exhausted', 'auth', 'invalid_request', 'malformed_output'] as const) {
      let calls = 0;
      await expect(
        withRetries(
          async () => {
            calls++;
            throw new AiError(kind, kind, 'openai');
          },
          { policy },
        ),
      ).rejects.toMatchObject({ kind });
      expect(calls).toBe(1);
    }
  });

  it('gives up after the last attempt', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new AiError('server', 'boom', 'anthropic');
        },
        { policy },
      ),
    ).rejects.toMatchObject({ kind: 'server' });
    expect(calls).toBe(4);
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(
      withRetries(
        async () => {
          throw new AiError('rate_limited', 'wait', 'openai', 10_000);
        },
        { policy, signal: controller.signal },
      ),
    ).rejects.toMatchObject({ kind: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('classifySdkError', () => {
  it('tells quota exhaustion from rate limiting, names the provider, and keeps retry-after', () => {
    const quota = classifySdkError({ status: 429, code: 'insufficient_quota' }, 'openai');
    expect(quota).toMatchObject({ kind: 'quota_exhausted', retryable: false });
    expect(quota.message).toContain('OpenAI');
    const limited = classifySdkError({ status: 429, headers: new Headers({ 'retry-after': '2' }) }, 'anthropic');
    expect(limited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2_000, retryable: true });
    expect(classifySdkError({ status: 401 }, 'anthropic').message).toContain('Anthropic refused the API key');
    expect(classifySdkError({ status: 529 }, 'anthropic').kind).toBe('server');
    expect(classifySdkError({ name: 'APIConnectionTimeoutError' }, 'openai').kind).toBe('timeout');
  });
});
