import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../fake-ai/server.ts';
import { measureMethod } from '../../../src/modules/planner/clustering/eval-run.ts';

/** npm run eval:clustering's runner: lexical offline; embedding and ai through the real SDK (here the fake). */
let fake: FakeAi;
beforeAll(async () => {
  fake = await startFakeAi();
});
afterAll(async () => {
  await fake?.close();
});

describe('eval:clustering runner', () => {
  it('says why embedding and ai are skipped without a provider key', async () => {
    for (const method of ['embedding', 'ai'] as const) {
      expect(await measureMethod(method, 'old', { env: {} })).toEqual({
        skipped: 'no provider configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible endpoint)',
      });
    }
  });

  it('measures embedding and ai runs through the provider client when one is configured', async () => {
    const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.openaiBaseUrl };
    const embedding = await measureMethod('embedding', 'old', { env });
    expect('report' in embedding && embedding.report).toMatchObject({ keywords: 365, topics: 46 });
    // 365 keywords in batches of 256: two embedding requests.
    expect(fake.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(2);
    const ai = await measureMethod('ai', 'old', { env });
    expect('report' in ai && ai.report.keywords).toBe(365);
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions').length).toBeGreaterThanOrEqual(2);
    const lexical = await measureMethod('lexical', 'old', { env: {} });
    expect('report' in lexical && lexical.report.ari).toBeGreaterThan(0.65);
  }, 60_000);
});
