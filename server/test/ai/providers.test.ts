import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { createProviderClient, type ProviderClient } from '../../src/modules/ai/providers/index.ts';

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

describe('answers that are not in the documented shape, through the SDKs', () => {
  const text = { model: 'gpt-4.1-mini', system: 's', prompt: 'p', maxOutputTokens: 50 };
  const json = { ...text, json: { name: 'answer', schema: { type: 'object', properties: {}, required: [] } } };
  const openai = () =>
    createProviderClient('openai', { apiKey: 'sk-test', baseUrl: fake.openaiBaseUrl, outbound: local });
  const anthropic = () =>
    createProviderClient('anthropic', { apiKey: 'sk-test', baseUrl: fake.anthropicBaseUrl, outbound: local });
  const calls = {
    'OpenAI chat completion': { client: openai, call: (c: ProviderClient) => c.text(text), what: 'a chat completion' },
    'OpenAI image': {
      client: openai,
      call: (c: ProviderClient) => c.image({ model: 'gpt-image-1', prompt: 'a shoe', size: '1024x1024' }),
      what: 'an image',
    },
    'OpenAI embeddings': {
      client: openai,
      call: (c: ProviderClient) => c.embed({ model: 'text-embedding-3-small', input: ['a shoe'] }),
      what: 'embeddings',
    },
    'Anthropic message': { client: anthropic, call: (c: ProviderClient) => c.text(text), what: 'a message' },
  };
  const name = (label: string) => (label.startsWith('OpenAI') ? 'OpenAI' : 'Anthropic');

  for (const [label, { client, call, what }] of Object.entries(calls)) {
    it(`${label}: no results, wrong types or an HTML page are a malformed answer saying so`, async () => {
      for (const shape of ['no_choices', 'wrong_types'] as const) {
        fake.reset();
        fake.setKnobs({ brokenNext: [{ shape }] });
        await expect(call(client()), shape).rejects.toMatchObject({
          name: 'AiError',
          kind: 'malformed_output',
          message: expect.stringMatching(
            new RegExp(`^${name(label)} sent ${what} that is not in the expected form \\(`),
          ),
        });
        expect(fake.requests).toHaveLength(1);
      }
      fake.setKnobs({ brokenNext: [{ shape: 'no_choices' }] });
      const missing = label.startsWith('Anthropic') ? 'content' : label.includes('chat') ? 'choices' : 'data';
      await expect(call(client())).rejects.toMatchObject({
        message: expect.stringContaining(`(${missing}: is missing or not a list)`),
      });
      fake.setKnobs({ brokenNext: [{ shape: 'html_200' }] });
      await expect(call(client())).rejects.toMatchObject({
        kind: 'malformed_output',
        message: `${name(label)} answered with an HTML page instead of ${what} (HTTP 200). Check the provider's address, or try again later.`,
      });
    });
  }

  it('an empty text answer comes back empty, for the structured-output step to ask again', async () => {
    for (const client of [openai(), anthropic()]) {
      fake.setKnobs({ brokenNext: [{ shape: 'empty_content' }] });
      await expect(client.text(json)).resolves.toMatchObject({ text: '' });
    }
  });

  it('an empty image or no embeddings are malformed answers', async () => {
    fake.setKnobs({ brokenNext: [{ shape: 'empty_content' }, { shape: 'empty_content' }] });
    await expect(calls['OpenAI image'].call(openai())).rejects.toMatchObject({
      kind: 'malformed_output',
      message:
        'OpenAI sent an image that is not in the expected form (data.0.b64_json: is empty). Try again later or choose another model.',
    });
    await expect(calls['OpenAI embeddings'].call(openai())).rejects.toMatchObject({
      kind: 'malformed_output',
      message: expect.stringContaining('(data: is empty)'),
    });
  });
});
