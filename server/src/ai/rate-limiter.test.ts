import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../../test/helpers/app.ts';
import { createRateLimiter } from './rate-limiter.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('shared provider rate limits', () => {
  it('lets exactly the per-minute budget through, then waits for the next minute', async () => {
    // A clock 300 ms before the end of a minute, so the wait is short.
    const realNow = Date.now();
    const offset = 60_000 - (realNow % 60_000) - 300;
    const limiter = createRateLimiter(t.db.prisma, () => Date.now() + offset);
    const key = { id: crypto.randomUUID(), requestsPerMinute: 5, tokensPerMinute: null };
    const windows = await Promise.all(Array.from({ length: 10 }, () => limiter.acquire(key, 100)));
    const byWindow = new Map<number, number>();
    for (const w of windows) byWindow.set(w!.getTime(), (byWindow.get(w!.getTime()) ?? 0) + 1);
    expect([...byWindow.values()]).toEqual([5, 5]);
  });

  it('counts tokens too, and corrects the estimate with the real usage', async () => {
    const offset = 60_000 - (Date.now() % 60_000) - 300;
    const limiter = createRateLimiter(t.db.prisma, () => Date.now() + offset);
    const key = { id: crypto.randomUUID(), requestsPerMinute: null, tokensPerMinute: 1_000 };
    const first = await limiter.acquire(key, 600);
    await limiter.settle(key, first, 600, 300);
    const second = await limiter.acquire(key, 600);
    expect(second!.getTime()).toBe(first!.getTime());
    const third = await limiter.acquire(key, 600);
    expect(third!.getTime()).toBeGreaterThan(first!.getTime());
  });

  it('does nothing for keys without limits', async () => {
    const limiter = createRateLimiter(t.db.prisma);
    expect(
      await limiter.acquire({ id: crypto.randomUUID(), requestsPerMinute: null, tokensPerMinute: null }, 10),
    ).toBeNull();
  });
});
