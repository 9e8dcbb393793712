import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { createRateLimiter } from '../../src/modules/ai/rate-limiter.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

// A one-second window keeps the tests fast; production uses a minute.
const WINDOW = 1_000;

describe('shared provider rate limits (sliding window)', () => {
  it('never admits more than the budget within any window, even from concurrent callers', async () => {
    const limiter = createRateLimiter(t.db.prisma, { windowMs: WINDOW });
    const key = { id: crypto.randomUUID(), requestsPerMinute: 5, tokensPerMinute: null };
    const admitted: number[] = [];
    await Promise.all(
      Array.from({ length: 15 }, async () => {
        await limiter.acquire(key, 10);
        admitted.push(Date.now());
      }),
    );
    admitted.sort((a, b) => a - b);
    for (let i = 5; i < admitted.length; i++) {
      // The 6th admission after any one comes at least a window later (small tolerance for bucket rounding).
      expect(admitted[i]! - admitted[i - 5]!).toBeGreaterThanOrEqual(WINDOW - WINDOW / 60 - 5);
    }
    const span = admitted.at(-1)! - admitted[0]!;
    expect(span).toBeGreaterThanOrEqual(2 * WINDOW - 100);
    expect(span).toBeLessThan(4 * WINDOW);
  });

  it('counts tokens too, and corrects the estimate with the real usage', async () => {
    const limiter = createRateLimiter(t.db.prisma, { windowMs: WINDOW });
    const key = { id: crypto.randomUUID(), requestsPerMinute: null, tokensPerMinute: 1_000 };
    const started = Date.now();
    const first = await limiter.acquire(key, 600);
    await limiter.settle(key, first, 600, 300);
    await limiter.acquire(key, 600);
    expect(Date.now() - started).toBeLessThan(WINDOW / 2);
    await limiter.acquire(key, 600);
    expect(Date.now() - started).toBeGreaterThanOrEqual(WINDOW - 50);
  });

  it('does nothing for keys without limits', async () => {
    const limiter = createRateLimiter(t.db.prisma);
    expect(
      await limiter.acquire({ id: crypto.randomUUID(), requestsPerMinute: null, tokensPerMinute: null }, 10),
    ).toBeNull();
  });
});
