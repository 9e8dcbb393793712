import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../../test/fake-ai/server.ts';
import { createProviderClient } from './index.ts';

let fake: FakeAi;
beforeAll(async () => {
  fake = await startFakeAi();
});
afterAll(() => fake?.close());

/** The fake listens on 127.0.0.1: allowed explicitly, as ALLOW_PRIVATE_SITE_URLS does for development. */
const local = { allowPrivateNetworks: true };

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('provider clients over the official SDKs', () => {
  it('embeds texts with OpenAI, in input order, similar texts closer', async () => {
    const client = createProviderClient('openai', { apiKey: 'sk-test', baseUrl: fake.openaiBaseUrl, outbound: local });
    const result = await client.embed({
      model: 'text-embedding-3-small',
      input: ['best trail running shoes', 'trail running shoes review', 'chocolate cake recipe'],
    });
    expect(result.vectors).toHaveLength(3);
    expect(result.vectors[0]).toHaveLength(1536);
    expect(cosine(result.vectors[0]!, result.vectors[1]!)).toBeGreaterThan(
      cosine(result.vectors[0]!, result.vectors[2]!),
    );
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('says Anthropic offers no images or embeddings', async () => {
    const client = createProviderClient('anthropic', {
      apiKey: 'sk-test',
      baseUrl: fake.anthropicBaseUrl,
      outbound: local,
    });
    await expect(client.embed({ model: 'x', input: ['a'] })).rejects.toMatchObject({ kind: 'invalid_request' });
  });

  it('maps a refused key to an auth error naming the provider, without retrying inside the SDK', async () => {
    for (const provider of ['openai', 'anthropic'] as const) {
      fake.reset();
      const client = createProviderClient(provider, {
        apiKey: 'bad-key',
        baseUrl: provider === 'openai' ? fake.openaiBaseUrl : fake.anthropicBaseUrl,
        outbound: local,
      });
      await expect(client.text({ model: 'm', system: 's', prompt: 'p', maxOutputTokens: 50 })).rejects.toMatchObject({
        kind: 'auth',
        message: expect.stringContaining(
          provider === 'openai' ? 'OpenAI refused the API key' : 'Anthropic refused the API key',
        ),
      });
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('stops a call when it is cancelled', async () => {
    fake.setKnobs({ latencyMs: 5_000 });
    const client = createProviderClient('openai', { apiKey: 'sk-test', baseUrl: fake.openaiBaseUrl, outbound: local });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await expect(
      client.text({ model: 'gpt-4.1-mini', system: 's', prompt: 'p', maxOutputTokens: 50, signal: controller.signal }),
    ).rejects.toMatchObject({ kind: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(2_000);
    fake.reset();
  });
});
