import type { TAiFunction } from '@igny8/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import { FAKE_AI_ENV } from '../helpers/ai.ts';
import { createCredentialsService, providerUrlPolicy } from '../../src/modules/ai/credentials-service.ts';
import { createModelRegistry } from '../../src/modules/ai/registry-service.ts';
import { createAiEngine, type AiEngine } from '../../src/modules/ai/engine.ts';
import {
  ZClusterOutput,
  ZIdeaOutput,
  ZImagePromptOutput,
  ZSectionOutput,
} from '../../src/modules/ai/functions/definitions.ts';
import { createPromptService } from '../../src/modules/ai/prompts/service.ts';
import { createRateLimiter } from '../../src/modules/ai/rate-limiter.ts';

/**
 * The engine through the official OpenAI and Anthropic SDKs against the fake provider server, which speaks their
 * real HTTP APIs.
 */
let t: TestContext;
let fake: FakeAi;
let owner: Member;
let engine: AiEngine;
let siteId: string;

const INPUTS: Record<TAiFunction, unknown> = {
  auto_cluster: {
    keywords: ['best running shoes', 'running shoes for flat feet', 'trail running shoes', 'marathon training plan'],
  },
  generate_ideas: {
    clusterName: 'running shoes',
    keywords: ['best running shoes', 'trail running shoes'],
    ideaCount: 2,
  },
  generate_content: {
    title: 'How to choose running shoes',
    outline: ['Why fit matters', 'Cushioning', 'Trying them on'],
    section: 'Why fit matters',
    primaryKeyword: 'running shoes',
    targetWords: 1200,
    sectionWords: 300,
  },
  generate_image_prompts: { title: 'How to choose running shoes', imageCount: 3 },
  generate_images: { prompt: 'A pair of blue running shoes on a forest trail at sunrise' },
};

async function useProvider(provider: 'openai' | 'anthropic') {
  const registry = createModelRegistry({ prisma: t.db.prisma });
  const models = await registry.list({ includeInactive: false });
  const textModel = models.find((m) => m.provider === provider && m.kind === 'text')!;
  for (const fn of ['auto_cluster', 'generate_ideas', 'generate_content', 'generate_image_prompts'] as const) {
    await registry.setDefault(fn, textModel.id);
  }
}

beforeAll(async () => {
  t = await createTestApp(FAKE_AI_ENV);
  fake = await startFakeAi();
  owner = await registerOwner(t.app);
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sites',
    headers: owner.headers,
    payload: { name: 'Runner', url: 'https://runner.example.com', language: 'de' },
  });
  siteId = site.json().data.id;
  const credentials = createCredentialsService({
    prisma: t.db.prisma,
    box: t.box,
    urlPolicy: providerUrlPolicy(t.config),
  });
  for (const [provider, apiKey, baseUrl] of [
    ['openai', 'sk-test-openai-0001', fake.openaiBaseUrl],
    ['anthropic', 'sk-ant-test-0001', fake.anthropicBaseUrl],
  ] as const) {
    const row = await t.db.prisma.providerCredential.create({
      data: { accountId: owner.accountId, provider, keyEnc: t.box.encrypt(apiKey), keyLast4: apiKey.slice(-4) },
    });
    // The fake stands in for the providers' own hosts: point each key at it.
    await t.db.prisma.providerCredential.update({ where: { id: row.id }, data: { baseUrl } });
  }
  engine = createAiEngine({
    prisma: t.db.prisma,
    registry: createModelRegistry({ prisma: t.db.prisma }),
    credentials,
    prompts: createPromptService({ prisma: t.db.prisma }),
    limiter: createRateLimiter(t.db.prisma),
    pricing: { creditsPerUsd: 100, markup: 1.5 },
    retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 5_000 },
  });
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await fake?.close();
  await t?.close();
});

const ctx = () => ({ accountId: owner.accountId, siteId });

for (const provider of ['openai', 'anthropic'] as const) {
  describe(`each AI function through the ${provider} SDK`, () => {
    beforeAll(() => useProvider(provider));

    it('auto_cluster returns clusters valid against the schema, with usage and credits', async () => {
      const result = await engine.run(ctx(), 'auto_cluster', INPUTS.auto_cluster);
      expect(ZClusterOutput.safeParse(result.output).success).toBe(true);
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      expect(result.credits).toBeGreaterThan(0);
      const estimate = await engine.estimate(ctx(), 'auto_cluster', INPUTS.auto_cluster);
      expect(result.credits).toBeLessThanOrEqual(estimate.credits);
      expect(fake.requests.at(-1)!.provider).toBe(provider);
    });

    it('generate_ideas, generate_content and generate_image_prompts return valid structures', async () => {
      const ideas = await engine.run(ctx(), 'generate_ideas', INPUTS.generate_ideas);
      expect(ZIdeaOutput.safeParse(ideas.output).success).toBe(true);
      const section = await engine.run(ctx(), 'generate_content', INPUTS.generate_content);
      expect(ZSectionOutput.safeParse(section.output).success).toBe(true);
      const prompts = await engine.run(ctx(), 'generate_image_prompts', INPUTS.generate_image_prompts);
      expect(ZImagePromptOutput.safeParse(prompts.output).success).toBe(true);
    });

    it("puts the site's language into the prompt", async () => {
      await engine.run(ctx(), 'generate_content', INPUTS.generate_content);
      expect(JSON.stringify(fake.requests.at(-1)!.body)).toContain('Write in de');
    });

    it('repairs a malformed answer once', async () => {
      fake.setKnobs({ malformedNext: 1 });
      const result = await engine.run(ctx(), 'auto_cluster', INPUTS.auto_cluster);
      expect(ZClusterOutput.safeParse(result.output).success).toBe(true);
      expect(fake.requests).toHaveLength(2);
      expect(JSON.stringify(fake.requests[1]!.body)).toContain('could not be used');
    });

    it('fails clearly after a second malformed answer', async () => {
      fake.setKnobs({ malformedNext: 2 });
      await expect(engine.run(ctx(), 'auto_cluster', INPUTS.auto_cluster)).rejects.toMatchObject({
        kind: 'malformed_output',
        message: expect.stringContaining('did not have the expected structure, twice'),
      });
      expect(fake.requests).toHaveLength(2);
    });

    it('waits at least retry-after on a 429, then succeeds', async () => {
      fake.setKnobs({ failNext: [{ kind: 'rate_limit', retryAfter: 2 }] });
      const started = Date.now();
      await engine.run(ctx(), 'generate_image_prompts', INPUTS.generate_image_prompts);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
      expect(fake.requests).toHaveLength(2);
      const calls = await t.db.prisma.aiCall.findMany({
        where: { accountId: owner.accountId },
        orderBy: { createdAt: 'desc' },
        take: 2,
      });
      expect(calls.map((c) => c.status).sort()).toEqual(['error', 'ok']);
    });

    it('stops at once on an exhausted quota, naming the provider', async () => {
      fake.setKnobs({ failNext: [{ kind: 'quota' }] });
      await expect(engine.run(ctx(), 'auto_cluster', INPUTS.auto_cluster)).rejects.toMatchObject({
        kind: 'quota_exhausted',
        message: expect.stringContaining(provider === 'openai' ? 'OpenAI' : 'Anthropic'),
      });
      expect(fake.requests).toHaveLength(1);
    });

    it('retries server errors', async () => {
      fake.setKnobs({ failNext: [{ kind: 'server' }] });
      await engine.run(ctx(), 'auto_cluster', INPUTS.auto_cluster);
      expect(fake.requests).toHaveLength(2);
    });

    it('fails an answer in the wrong shape at once as malformed, without retrying it as a network error', async () => {
      for (const shape of ['no_choices', 'wrong_types', 'html_200'] as const) {
        fake.reset();
        fake.setKnobs({ brokenNext: [{ shape }] });
        await expect(engine.run(ctx(), 'auto_cluster', INPUTS.auto_cluster), shape).rejects.toMatchObject({
          kind: 'malformed_output',
          message: expect.stringContaining(provider === 'openai' ? 'OpenAI ' : 'Anthropic '),
        });
        expect(fake.requests, shape).toHaveLength(1);
      }
      const [call] = await t.db.prisma.aiCall.findMany({
        where: { accountId: owner.accountId },
        orderBy: { createdAt: 'desc' },
        take: 1,
      });
      expect(call).toMatchObject({ status: 'error', errorCode: 'malformed_output' });
    });

    it('asks once more after an empty answer, as for any unusable answer, and then fails clearly', async () => {
      fake.setKnobs({ brokenNext: [{ shape: 'empty_content' }] });
      const repaired = await engine.run(ctx(), 'auto_cluster', INPUTS.auto_cluster);
      expect(ZClusterOutput.safeParse(repaired.output).success).toBe(true);
      expect(fake.requests).toHaveLength(2);
      expect(JSON.stringify(fake.requests[1]!.body)).toContain('could not be used: the answer is empty');

      fake.reset();
      fake.setKnobs({ brokenNext: [{ shape: 'empty_content' }, { shape: 'empty_content' }] });
      await expect(engine.run(ctx(), 'auto_cluster', INPUTS.auto_cluster)).rejects.toMatchObject({
        kind: 'malformed_output',
        message: expect.stringContaining('did not have the expected structure, twice (the answer is empty)'),
      });
      expect(fake.requests).toHaveLength(2);
    });
  });
}

describe('images', () => {
  it('generate_images returns a PNG through the OpenAI images API', async () => {
    const result = await engine.run<Buffer>(ctx(), 'generate_images', INPUTS.generate_images);
    expect(result.output.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(result.usage.images).toBe(1);
    expect(result.credits).toBeGreaterThan(0);
  });

  it('fails an image answer without an image as malformed, once', async () => {
    for (const shape of ['no_choices', 'empty_content', 'wrong_types', 'html_200'] as const) {
      fake.reset();
      fake.setKnobs({ brokenNext: [{ shape }] });
      await expect(engine.run(ctx(), 'generate_images', INPUTS.generate_images), shape).rejects.toMatchObject({
        kind: 'malformed_output',
      });
      expect(fake.requests, shape).toHaveLength(1);
    }
  });
});

describe('demo mode', () => {
  it('sends accounts without keys to the demo endpoint, and marks what it made as demo', async () => {
    const demo = createAiEngine({
      prisma: t.db.prisma,
      registry: createModelRegistry({ prisma: t.db.prisma }),
      credentials: createCredentialsService({
        prisma: t.db.prisma,
        box: t.box,
        urlPolicy: providerUrlPolicy(t.config),
        demoBaseUrl: fake.url,
      }),
      prompts: createPromptService({ prisma: t.db.prisma }),
      limiter: createRateLimiter(t.db.prisma),
      pricing: { creditsPerUsd: 100, markup: 1.5 },
    });
    const keyless = await registerOwner(t.app, 'Trial');
    const result = await demo.run({ accountId: keyless.accountId }, 'auto_cluster', INPUTS.auto_cluster);
    expect(result.demo).toBe(true);
    expect(ZClusterOutput.safeParse(result.output).success).toBe(true);
    const real = await demo.run(ctx(), 'auto_cluster', INPUTS.auto_cluster);
    expect(real.demo).toBe(false);
  });
});

describe('configuration problems', () => {
  it('says clearly when no key is configured for the provider', async () => {
    const other = await registerOwner(t.app, 'Keyless');
    await expect(engine.run({ accountId: other.accountId }, 'auto_cluster', INPUTS.auto_cluster)).rejects.toThrow(
      /No (openai|anthropic) API key is configured/,
    );
  });

  it('refuses invalid input before calling anyone', async () => {
    await expect(engine.run(ctx(), 'auto_cluster', { keywords: ['only one'] })).rejects.toMatchObject({
      kind: 'invalid_request',
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('embeddings', () => {
  it('finds the cheapest usable embedding model, embeds in batches, and records each call', async () => {
    const model = await engine.embeddingModel(owner.accountId);
    expect(model).toMatchObject({ provider: 'openai', modelId: 'text-embedding-3-small', kind: 'embedding' });
    const texts = Array.from({ length: 300 }, (_, i) => `running shoes variant ${i}`);
    const result = await engine.embed({ accountId: owner.accountId, siteId }, 'auto_cluster', model!, texts);
    expect(result.vectors).toHaveLength(300);
    expect(new Set(result.vectors.map((v) => v.length)).size).toBe(1);
    // Two requests (256 + 44 texts), both recorded with their tokens.
    expect(fake.requests.filter((r) => r.path === '/v1/embeddings')).toHaveLength(2);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.credits).toBeLessThanOrEqual(engine.estimateEmbedding(model!, texts));
    const calls = await t.db.prisma.aiCall.findMany({
      where: { accountId: owner.accountId, model: 'text-embedding-3-small' },
    });
    expect(calls).toHaveLength(2);
    expect(calls.reduce((sum, c) => sum + c.inputTokens, 0)).toBe(result.usage.inputTokens);
    // The same text always embeds to the same vector.
    const again = await engine.embed({ accountId: owner.accountId }, 'auto_cluster', model!, [texts[0]!]);
    expect(again.vectors[0]).toEqual(result.vectors[0]);
  });

  it('is null without a key for any embedding provider', async () => {
    const stranger = await registerOwner(t.app);
    expect(await engine.embeddingModel(stranger.accountId)).toBeNull();
  });
});
