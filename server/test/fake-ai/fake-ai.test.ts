import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { crc32, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { complete, type Conversation } from './content.ts';
import { countWords } from './words.ts';
import { type FakeAi, startFakeAi } from './server.ts';

/** The fake AI server, exercised through the real OpenAI and Anthropic SDKs. */

let fake: FakeAi;
beforeAll(async () => {
  fake = await startFakeAi();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const openai = (options: { maxRetries?: number; apiKey?: string } = {}) =>
  new OpenAI({
    baseURL: fake.openaiBaseUrl,
    apiKey: options.apiKey ?? 'test-key',
    maxRetries: options.maxRetries ?? 0,
  });
const anthropic = (options: { maxRetries?: number; apiKey?: string } = {}) =>
  new Anthropic({
    baseURL: fake.anthropicBaseUrl,
    apiKey: options.apiKey ?? 'test-key',
    maxRetries: options.maxRetries ?? 0,
  });

const KEYWORDS = [
  'trail running shoes',
  'best hiking boots',
  'waterproof hiking boots',
  'running socks',
  'ultralight tents',
];
const CLUSTER_PROMPT = `Group these keywords into topical clusters:\n${KEYWORDS.map((k) => `- ${k}`).join('\n')}`;

const Cluster = z.object({
  name: z.string().min(3).max(60),
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  keywords: z.array(z.string()).min(1).max(4),
  intent: z.enum(['informational', 'commercial', 'transactional']),
  score: z.number().min(0).max(1),
  priority: z.int().min(1).max(5),
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  source: z.url(),
  owner: z.email().optional(),
  parent: z.string().nullable(),
});
const Clusters = z.object({ clusters: z.array(Cluster).min(2).max(3), summary: z.string().max(160) });
// Strict mode wants every property required (optional only as nullable), as the real API does.
const StrictClusters = z.object({
  clusters: z
    .array(Cluster.extend({ owner: z.email().nullable() }))
    .min(2)
    .max(3),
  summary: z.string().max(160),
});

const chatJson = (schema: object, prompt = CLUSTER_PROMPT, strict = true) =>
  openai().chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are an SEO assistant.' },
      { role: 'user', content: prompt },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'clusters', strict, schema: schema as never } },
  });

describe('OpenAI chat completions', () => {
  it('answers JSON valid against a zod-derived json_schema, using the prompt’s words', async () => {
    const res = await chatJson(z.toJSONSchema(StrictClusters));
    const parsed = StrictClusters.parse(JSON.parse(res.choices[0]!.message.content!));
    const clusterKeywords = parsed.clusters.flatMap((c) => c.keywords);
    expect(clusterKeywords.every((k) => KEYWORDS.includes(k))).toBe(true);
    const promptWords = new Set(CLUSTER_PROMPT.toLowerCase().split(/\W+/));
    for (const c of parsed.clusters)
      expect(
        c.name
          .toLowerCase()
          .split(' ')
          .some((w) => promptWords.has(w)),
      ).toBe(true);
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.prompt_tokens).toBeGreaterThan(CLUSTER_PROMPT.length / 4);
    expect(res.usage!.completion_tokens).toBe(Math.ceil(res.choices[0]!.message.content!.length / 4));
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
  });

  it('rejects strict schemas the real API rejects, accepts them non-strict', async () => {
    await expect(chatJson(z.toJSONSchema(Clusters))).rejects.toMatchObject({
      status: 400,
      param: 'response_format',
      message: expect.stringContaining("Missing 'owner'"),
    });
    const res = await chatJson(z.toJSONSchema(Clusters), CLUSTER_PROMPT, false);
    expect(Clusters.parse(JSON.parse(res.choices[0]!.message.content!))).toBeTruthy();
  });

  it('works with the SDK’s zodResponseFormat + parse helper', async () => {
    const res = await openai().chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: CLUSTER_PROMPT }],
      response_format: zodResponseFormat(StrictClusters, 'clusters'),
    });
    expect(StrictClusters.parse(res.choices[0]!.message.parsed)).toBeTruthy();
  });

  it('is deterministic: the same request gets the same answer, another prompt another one', async () => {
    const schema = z.toJSONSchema(StrictClusters);
    const [a, b, c] = await Promise.all([
      chatJson(schema),
      chatJson(schema),
      chatJson(schema, 'Group these:\n- coffee grinders\n- espresso machines'),
    ]);
    expect(a.choices[0]!.message.content).toBe(b.choices[0]!.message.content);
    expect(a.usage).toEqual(b.usage);
    expect(c.choices[0]!.message.content).not.toBe(a.choices[0]!.message.content);
  });

  it('writes text of about the length the prompt asks for, and cuts it at max_tokens', async () => {
    const ask = (content: string, max?: number) =>
      openai().chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content }],
        ...(max && { max_completion_tokens: max }),
      });
    const article = await ask('Write an article of about 400 words on trail running shoes.');
    const words = countWords(article.choices[0]!.message.content!);
    expect(words).toBeGreaterThan(340);
    expect(words).toBeLessThan(460);
    expect(article.choices[0]!.message.content).toMatch(/trail|running|shoes/i);

    const cut = await ask('Write an article of about 400 words on trail running shoes.', 50);
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.usage!.completion_tokens).toBe(50);

    // No length asked for: the answer fits max tokens instead of being cut.
    const fitted = await ask('Tell me about hiking boots.', 60);
    expect(fitted.choices[0]!.finish_reason).toBe('stop');
    expect(fitted.usage!.completion_tokens).toBeLessThanOrEqual(60);
  });

  it('json_object mode follows a JSON example in the prompt, and requires the word json', async () => {
    const res = await openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        {
          role: 'user',
          content:
            'Suggest a post for "best hiking boots". Answer in JSON like {"title": "...", "tags": ["..."], "intent": "informational | commercial", "words": 1200}',
        },
      ],
      response_format: { type: 'json_object' },
    });
    const body = JSON.parse(res.choices[0]!.message.content!);
    expect(Object.keys(body)).toEqual(['title', 'tags', 'intent', 'words']);
    expect(['informational', 'commercial']).toContain(body.intent);
    expect(Number.isInteger(body.words)).toBe(true);

    await expect(
      openai().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hello' }],
        response_format: { type: 'json_object' },
      }),
    ).rejects.toMatchObject({ status: 400, param: 'messages' });
  });

  const Outline = z.object({
    title: z.string(),
    sections: z.array(z.object({ heading: z.string(), bullets: z.array(z.string()).min(2).max(4) })).min(3),
  });
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
    {
      type: 'function',
      function: {
        name: 'save_outline',
        description: 'Save the outline of a blog post',
        parameters: z.toJSONSchema(Outline) as never,
        strict: true,
      },
    },
  ];

  it('calls a tool with arguments valid against its parameters, then answers after the tool result', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Draft and save the outline of a blog post about ultralight tents.' },
    ];
    const res = await openai().chat.completions.create({ model: 'gpt-4o', messages, tools, tool_choice: 'auto' });
    const choice = res.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    // Picked by relevance to the prompt, not just the first tool.
    expect(call.function.name).toBe('save_outline');
    expect(Outline.parse(JSON.parse(call.function.arguments))).toBeTruthy();
    expect(call.id).toMatch(/^call_/);

    const forced = await openai().chat.completions.create({
      model: 'gpt-4o',
      messages,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const forcedCall = forced.choices[0]!.message.tool_calls![0]!;
    if (forcedCall.type !== 'function') throw new Error('expected a function call');
    expect(forcedCall.function.name).toBe('get_weather');
    expect(typeof JSON.parse(forcedCall.function.arguments).city).toBe('string');

    const after = await openai().chat.completions.create({
      model: 'gpt-4o',
      tools,
      messages: [...messages, choice.message, { role: 'tool', tool_call_id: call.id, content: '{"saved":true}' }],
    });
    expect(after.choices[0]!.finish_reason).toBe('stop');
    expect(after.choices[0]!.message.content).toBeTruthy();
  });

  it('streams the same content as the non-streamed answer, with usage when include_usage is set', async () => {
    const params = {
      model: 'gpt-4o',
      messages: [{ role: 'user' as const, content: 'Write about 120 words on waterproof hiking boots.' }],
    };
    const plain = await openai().chat.completions.create(params);
    const stream = await openai().chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      if (chunk.choices[0]) {
        content += chunk.choices[0].delta.content ?? '';
        finish = chunk.choices[0].finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(10);
    expect(content).toBe(plain.choices[0]!.message.content);
    expect(finish).toBe('stop');
    expect(usage).toEqual(plain.usage);

    // Tool calls stream as argument fragments; the SDK's stream helper reassembles them.
    const toolStream = openai().chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Save an outline about running socks.' }],
      tools,
      tool_choice: 'required',
    });
    const final = await toolStream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(Outline.parse(JSON.parse(call.function.arguments))).toBeTruthy();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });
});

describe('OpenAI responses, images, embeddings, models', () => {
  it('answers the Responses API, plain, structured and streamed', async () => {
    const res = await openai().responses.create({
      model: 'gpt-4.1',
      input: 'Say something about tea gardens in about 40 words',
    });
    expect(res.status).toBe('completed');
    expect(res.output_text).toMatch(/tea|gardens/i);
    expect(res.usage!.total_tokens).toBe(res.usage!.input_tokens + res.usage!.output_tokens);

    const parsed = await openai().responses.parse({
      model: 'gpt-4.1',
      input: [{ role: 'user', content: CLUSTER_PROMPT }],
      text: { format: { type: 'json_schema', name: 'clusters', schema: z.toJSONSchema(StrictClusters), strict: true } },
    });
    expect(StrictClusters.parse(JSON.parse(parsed.output_text))).toBeTruthy();

    const streamed = await openai()
      .responses.stream({ model: 'gpt-4.1', input: 'Say something about tea gardens in about 40 words' })
      .finalResponse();
    const message = streamed.output[0]!;
    if (message.type !== 'message' || message.content[0]!.type !== 'output_text') throw new Error('expected text');
    expect(message.content[0]!.text).toBe(res.output_text);
  });

  it('generates valid PNGs of the requested size, as base64 or as a URL', async () => {
    const res = await openai().images.generate({
      model: 'gpt-image-1',
      prompt: 'a red fox in snow',
      size: '1536x1024',
    });
    const png = Buffer.from(res.data![0]!.b64_json!, 'base64');
    const { width, height, pixels } = decodePng(png);
    expect([width, height]).toEqual([1536, 1024]);
    expect(pixels.length).toBe((1 + width * 3) * height);
    expect(res.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: 1568 });

    const again = await openai().images.generate({
      model: 'gpt-image-1',
      prompt: 'a red fox in snow',
      size: '1536x1024',
    });
    expect(again.data![0]!.b64_json).toBe(res.data![0]!.b64_json);
    const other = await openai().images.generate({ model: 'gpt-image-1', prompt: 'a blue whale', size: '1536x1024' });
    expect(other.data![0]!.b64_json).not.toBe(res.data![0]!.b64_json);

    const byUrl = await openai().images.generate({ model: 'dall-e-3', prompt: 'a red fox in snow', size: '1024x1024' });
    expect(byUrl.data![0]!.revised_prompt).toBe('a red fox in snow');
    const fetched = await fetch(byUrl.data![0]!.url!);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(decodePng(Buffer.from(await fetched.arrayBuffer())).width).toBe(1024);
  });

  it('embeds a text as another with the embedAs knob, and refuses a malformed one', async () => {
    fake.setKnobs({ embedAs: { ynab: 'budgeting app' } });
    const res = await openai().embeddings.create({
      model: 'text-embedding-3-small',
      input: ['ynab', 'budgeting app', 'apple pie'],
    });
    const [ynab, app, pie] = res.data.map((d) => Array.from(d.embedding));
    expect(cosine(ynab!, app!)).toBeCloseTo(1, 6);
    expect(cosine(ynab!, pie!)).toBeLessThan(0.3);
    expect(() => fake.setKnobs({ embedAs: { ynab: 3 } } as never)).toThrow('embedAs.ynab must be a non-empty string');
    fake.reset();
    const after = await openai().embeddings.create({
      model: 'text-embedding-3-small',
      input: ['ynab', 'budgeting app'],
    });
    expect(cosine(after.data[0]!.embedding, after.data[1]!.embedding)).toBeLessThan(0.3);
  });

  it('embeds texts as unit vectors where shared words mean closer vectors', async () => {
    const texts = ['best trail running shoes', 'trail running shoes for women', 'how to bake sourdough bread'];
    const res = await openai().embeddings.create({ model: 'text-embedding-3-small', input: texts });
    const vectors = res.data.map((d) => Array.from(d.embedding));
    expect(vectors.map((v) => v.length)).toEqual([1536, 1536, 1536]);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(0.5);
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(cosine(vectors[0]!, vectors[2]!) + 0.3);
    expect(res.usage.prompt_tokens).toBe(texts.reduce((s, t) => s + Math.ceil(t.length / 4), 0));

    const small = await openai().embeddings.create({
      model: 'text-embedding-3-large',
      input: 'best trail running shoes',
      dimensions: 256,
      encoding_format: 'float',
    });
    expect(small.data[0]!.embedding).toHaveLength(256);
    const large = await openai().embeddings.create({ model: 'text-embedding-3-large', input: 'x' });
    expect(large.data[0]!.embedding).toHaveLength(3072);
  });

  it('lists models for both providers', async () => {
    const models = await openai().models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o');
    const claude = await anthropic().models.list();
    expect(claude.data[0]!.type).toBe('model');
  });
});

describe('Anthropic messages', () => {
  const Brief = z.object({
    headline: z.string().max(80),
    angle: z.enum(['how-to', 'listicle', 'review']),
    keywords: z.array(z.string()).min(2).max(3),
    readingMinutes: z.int().min(3).max(15),
  });
  const tools: Anthropic.Tool[] = [
    {
      name: 'save_brief',
      description: 'Save a content brief for a blog post',
      input_schema: z.toJSONSchema(Brief) as Anthropic.Tool.InputSchema,
    },
  ];
  const briefPrompt = `Write a content brief for these keywords:\n${KEYWORDS.map((k) => `- ${k}`).join('\n')}`;

  it('answers text with usage', async () => {
    const msg = await anthropic().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      system: 'You write for hikers.',
      messages: [{ role: 'user', content: 'Write about 100 words about ultralight tents.' }],
    });
    expect(msg.type).toBe('message');
    expect(msg.stop_reason).toBe('end_turn');
    const block = msg.content[0]!;
    if (block.type !== 'text') throw new Error('expected text');
    expect(countWords(block.text)).toBeGreaterThan(80);
    expect(block.text).toMatch(/tents|ultralight/i);
    expect(msg.usage.input_tokens).toBeGreaterThan(5);
    expect(msg.usage.output_tokens).toBe(Math.ceil(block.text.length / 4));
  });

  it('uses a tool with input valid against its input_schema', async () => {
    const forced = await anthropic().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      messages: [{ role: 'user', content: briefPrompt }],
      tools,
      tool_choice: { type: 'tool', name: 'save_brief' },
    });
    expect(forced.stop_reason).toBe('tool_use');
    expect(forced.content).toHaveLength(1);
    const use = forced.content[0]!;
    if (use.type !== 'tool_use') throw new Error('expected tool_use');
    expect(use.name).toBe('save_brief');
    const brief = Brief.parse(use.input);
    expect(brief.keywords.every((k) => KEYWORDS.includes(k))).toBe(true);

    // Under tool_choice auto, Claude-style, a sentence precedes the call: consumers must look for the tool_use block.
    const auto = await anthropic().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      messages: [{ role: 'user', content: briefPrompt }],
      tools,
    });
    expect(auto.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
  });

  it('streams the same message as the non-streamed answer, text and tool_use', async () => {
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      messages: [{ role: 'user' as const, content: 'Write about 150 words about trail running shoes.' }],
    };
    const plain = await anthropic().messages.create(params);
    const streamed = await anthropic().messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(plain.content);
    expect(streamed.stop_reason).toBe('end_turn');
    expect(streamed.usage).toEqual(plain.usage);

    const toolParams = {
      ...params,
      messages: [{ role: 'user' as const, content: briefPrompt }],
      tools,
      tool_choice: { type: 'any' as const },
    };
    const plainTool = await anthropic().messages.create(toolParams);
    const streamedTool = await anthropic().messages.stream(toolParams).finalMessage();
    expect(streamedTool.content).toEqual(plainTool.content);
    expect(streamedTool.stop_reason).toBe('tool_use');
  });

  it('answers structured outputs (output_config.format) through the SDK’s zod helper', async () => {
    const msg = await anthropic().messages.parse({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      messages: [{ role: 'user', content: briefPrompt }],
      output_config: { format: zodOutputFormat(Brief) },
    });
    expect(Brief.parse(msg.parsed_output)).toBeTruthy();
  });

  it('counts tokens', async () => {
    const res = await anthropic().messages.countTokens({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: briefPrompt }],
    });
    expect(res.input_tokens).toBeGreaterThan(briefPrompt.length / 4);
  });
});

describe('knobs', () => {
  it('429 with retry-after: the SDKs wait that long, retry and succeed', async () => {
    fake.setKnobs({ failNext: [{ status: 429, retryAfter: 1 }] });
    let start = Date.now();
    const res = await openai({ maxRetries: 1 }).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
    expect(res.choices[0]!.message.content).toBeTruthy();
    expect(fake.requests.map((r) => [r.status, r.headers['x-stainless-retry-count']])).toEqual([
      [429, '0'],
      [200, '1'],
    ]);

    fake.setKnobs({ failNext: [{ status: 529, retryAfter: 1, provider: 'anthropic' }] });
    start = Date.now();
    const msg = await anthropic({ maxRetries: 1 }).messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(Date.now() - start).toBeGreaterThanOrEqual(1000);
    expect(msg.content[0]!.type).toBe('text');
  });

  it('insufficient_quota surfaces as a 429 the SDK does not hide', async () => {
    fake.setKnobs({ failNext: [{ status: 429, kind: 'quota' }] });
    const err = await openai()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
  });

  it('5xx, overloaded and dropped connections, in each provider’s error format', async () => {
    fake.setKnobs({
      failNext: [{ status: 500 }, { status: 529, provider: 'anthropic' }, { kind: 'disconnect', provider: 'openai' }],
    });
    await expect(
      openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const overloaded = await anthropic()
      .messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });
    await expect(
      openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(fake.knobs.failNext).toEqual([]);
  });

  it('fails streams midway when asked', async () => {
    fake.setKnobs({ failNext: [{ kind: 'overloaded', midStream: true }] });
    // A non-streaming request does not consume a mid-stream failure.
    await anthropic().messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const stream = anthropic().messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 500,
      messages: [{ role: 'user', content: 'Write about 100 words on tents.' }],
    });
    await expect(stream.finalMessage()).rejects.toMatchObject({ type: 'overloaded_error' });
  });

  it('malformedNext breaks the next JSON answers only', async () => {
    fake.setKnobs({ malformedNext: 2 });
    const text = await openai().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(text.choices[0]!.message.content).toBeTruthy();
    const broken = await chatJson(z.toJSONSchema(StrictClusters));
    expect(() => JSON.parse(broken.choices[0]!.message.content!)).toThrow(SyntaxError);
    const brokenTool = await anthropic()
      .messages.stream({
        model: 'claude-haiku-4-5',
        max_tokens: 1000,
        messages: [{ role: 'user', content: 'Brief on tents' }],
        tools: [{ name: 'save', input_schema: z.toJSONSchema(z.object({ a: z.string(), b: z.string() })) as never }],
        tool_choice: { type: 'tool', name: 'save' },
      })
      .finalMessage();
    const use = brokenTool.content[0]!;
    if (use.type !== 'tool_use') throw new Error('expected tool_use');
    expect(use.input).not.toHaveProperty('b');
    const fine = await chatJson(z.toJSONSchema(StrictClusters));
    expect(StrictClusters.parse(JSON.parse(fine.choices[0]!.message.content!))).toBeTruthy();
  });

  it('plantHtml appends its text to HTML fields of the next n JSON / tool answers, in both providers', async () => {
    const Section = z.object({ heading: z.string(), html: z.string(), nested: z.object({ bodyHtml: z.string() }) });
    const planted = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    fake.setKnobs({ plantHtml: { text: planted, count: 2 } });
    const text = await openai().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    // Plain text answers neither get it nor consume it.
    expect(text.choices[0]!.message.content).not.toContain(planted);
    const first = Section.parse(
      JSON.parse((await chatJson(z.toJSONSchema(Section), 'Write a section about tents')).choices[0]!.message.content!),
    );
    expect(first.html.endsWith(planted)).toBe(true);
    expect(first.nested.bodyHtml.endsWith(planted)).toBe(true);
    expect(first.heading).not.toContain(planted);
    const tool = await anthropic().messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 2000,
      messages: [{ role: 'user', content: 'Write a section about tents' }],
      tools: [{ name: 'save', input_schema: z.toJSONSchema(Section) as never }],
      tool_choice: { type: 'tool', name: 'save' },
    });
    const use = tool.content.find((c) => c.type === 'tool_use');
    if (use?.type !== 'tool_use') throw new Error('expected tool_use');
    expect((use.input as { html: string }).html.endsWith(planted)).toBe(true);
    expect(fake.knobs.plantHtml).toBeNull();
    const after = Section.parse(
      JSON.parse((await chatJson(z.toJSONSchema(Section), 'Write a section about tents')).choices[0]!.message.content!),
    );
    expect(after.html).not.toContain(planted);
    expect(() => fake.setKnobs({ plantHtml: { text: '', count: 1 } })).toThrow(/plantHtml.text/);
    expect(() => fake.setKnobs({ plantHtml: { text: 'x', count: -1 } })).toThrow(/plantHtml.count/);
    expect(() => fake.setKnobs({ plantHtml: { text: 'x', count: 1, extra: 1 } as never })).toThrow(/unknown plantHtml/);
  });

  it('brokenNext answers 200 in the wrong shape, per provider and path, in order', async () => {
    fake.setKnobs({
      brokenNext: [
        { shape: 'no_choices', path: '/v1/embeddings' },
        { shape: 'wrong_types', provider: 'anthropic' },
        { shape: 'html_200' },
      ],
    });
    const page = await openai().chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    // The SDK hands back the HTML text as it came: there is no completion in it.
    expect(page).toEqual(expect.stringContaining('<title>502 Bad Gateway</title>'));
    const message = await anthropic().messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message).toMatchObject({ content: 'just text', usage: { input_tokens: '12' } });
    const embeddings = await openai().embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a'],
      encoding_format: 'float',
    });
    expect(embeddings).not.toHaveProperty('data');
    expect(fake.knobs.brokenNext).toEqual([]);
    const post = (body: unknown) => fetch(`${fake.url}/__knobs`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ brokenNext: [{ shape: 'no_choice' }] })).status).toBe(400);
    expect((await post({ brokenNext: [{ shape: 'html_200', provider: 'google' }] })).status).toBe(400);
    expect((await post({ brokenNext: [{ shape: 'empty_content', path: '/v1/images/generations' }] })).status).toBe(200);
  });

  it('latency and slow streams', async () => {
    fake.setKnobs({ latencyMs: 300 });
    let start = Date.now();
    await openai().models.list();
    expect(Date.now() - start).toBeGreaterThanOrEqual(300);

    fake.setKnobs({ latencyMs: 0, streamChunkDelayMs: 20 });
    start = Date.now();
    const stream = await openai().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Write about 40 words on socks.' }],
    });
    let chunks = 0;
    for await (const _ of stream) chunks++;
    expect(Date.now() - start).toBeGreaterThanOrEqual((chunks - 1) * 20);
  });

  it('rate limit: the request over the per-minute budget gets 429 with retry-after and rate-limit headers', async () => {
    fake.setKnobs({ rateLimit: { requestsPerMinute: 5 } });
    const first = await openai()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('4');
    for (let i = 0; i < 4; i++)
      await openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const err = await openai()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.code).toBe('rate_limit_exceeded');
    expect(Number(e.headers!.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(Number(e.headers!.get('retry-after-ms'))).toBeLessThanOrEqual(60_000);
    expect(e.headers!.get('x-ratelimit-remaining-requests')).toBe('0');

    // Windows are per provider; Anthropic reports its own headers.
    const claude = await anthropic()
      .messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(claude.response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('4');
    expect(claude.response.headers.get('anthropic-ratelimit-requests-reset')).toMatch(/^\d{4}-\d\d-\d\dT/);

    // Tokens per minute count each answer's usage total.
    fake.reset();
    fake.setKnobs({ rateLimit: { tokensPerMinute: 150 } });
    const used = await openai().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Write about 60 words on boots.' }],
    });
    expect(used.usage!.total_tokens).toBeGreaterThan(75);
    const refused = await openai()
      .chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Write about 60 words on boots.' }],
      })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, type: 'tokens' });
  });

  it('a bad key gets 401 in each provider’s format', async () => {
    await expect(
      openai({ apiKey: 'bad-key' }).chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 401, code: 'invalid_api_key', constructor: OpenAI.AuthenticationError });
    await expect(
      anthropic({ apiKey: 'bad-key' }).messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('logs requests without credentials, and takes knobs over HTTP', async () => {
    await openai().embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      provider: 'openai',
      method: 'POST',
      path: '/v1/embeddings',
      model: 'text-embedding-3-small',
      body: { input: 'hello' },
      status: 200,
      stream: false,
    });
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();

    const post = (body: unknown) => fetch(`${fake.url}/__knobs`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ latencyMs: 5, rateLimit: { requestsPerMinute: 100 } })).status).toBe(200);
    expect(fake.knobs).toMatchObject({ latencyMs: 5, rateLimit: { requestsPerMinute: 100 } });
    expect((await post({ latencyMS: 5 })).status).toBe(400);
    expect((await post({ failNext: [{ status: 200 }] })).status).toBe(400);
    await fetch(`${fake.url}/__reset`, { method: 'POST' });
    expect(fake.knobs.latencyMs).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects requests the real APIs reject', async () => {
    await expect(
      anthropic().messages.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] } as never),
    ).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
    await expect(openai().chat.completions.create({ model: 'gpt-4o', messages: [] })).rejects.toMatchObject({
      status: 400,
    });
  });
});

describe('schema-driven content', () => {
  const conv = (text: string): Conversation => ({
    system: '',
    turns: [{ role: 'user', text }],
    lastUserText: text,
    endsWithToolResult: false,
    prefill: '',
  });

  it('satisfies refs, recursion, unions, records, tuples, patterns, multiples and exclusive bounds', () => {
    type Tree = { name: string; children: Tree[] };
    const Node: z.ZodType<Tree> = z.object({
      name: z.string(),
      get children() {
        return z.array(Node).max(2);
      },
    });
    const Tricky = z.object({
      tree: Node,
      choice: z.union([
        z.object({ kind: z.literal('a'), a: z.number() }),
        z.object({ kind: z.literal('b'), b: z.string() }),
      ]),
      counts: z.record(z.string(), z.int().min(0)),
      both: z.intersection(z.object({ x: z.string() }), z.object({ y: z.int() })),
      pair: z.tuple([z.string(), z.int()]),
      colour: z.string().regex(/^#[0-9a-f]{6}$/),
      sku: z.string().regex(/^[A-Z]{3}-\d{4}(?:-[a-z]{2})?$/),
      tags: z.array(z.string()).length(3),
      step: z.number().multipleOf(5).min(12).max(40),
      ratio: z.number().gt(0).lt(1),
      day: z.iso.date(),
      fixed: z.literal('fixed'),
      meta: z.string().max(20),
    });
    const schema = z.toJSONSchema(Tricky);
    for (const prompt of ['alpha beta gamma', 'Describe hiking boots', 'x']) {
      const value = complete(conv(prompt), { kind: 'json', schema }).value;
      expect(Tricky.safeParse(value).error?.issues ?? []).toEqual([]);
      expect(Math.abs((value as { both: { y: number } }).both.y)).toBeLessThan(2 ** 31);
    }
  });

  it('keeps to "about N words" in text and in a JSON body field', () => {
    const text = complete(conv('Write a post of 600-800 words about ultralight tents.'), { kind: 'text' }).text;
    expect(countWords(text)).toBeGreaterThan(650);
    expect(countWords(text)).toBeLessThan(750);
    const post = complete(conv('Write a post of about 500 words about ultralight tents.'), {
      kind: 'json',
      schema: z.toJSONSchema(z.object({ title: z.string(), html: z.string() })),
    }).value as { title: string; html: string };
    expect(post.html).toMatch(/^<h2>/);
    expect(countWords(post.html.replace(/<[^>]+>/g, ' '))).toBeGreaterThan(450);
    expect(post.title.toLowerCase()).toMatch(/tents|ultralight/);
  });
});

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** Checks a PNG's structure (signature, chunk CRCs, IHDR) and inflates its pixel data. */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(data);
    types.push(type);
    offset += 12 + length;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  return { width, height, pixels: inflateSync(Buffer.concat(idat)) };
}
