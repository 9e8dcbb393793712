import OpenAI from 'openai';
import type { AiProvider } from '../../../generated/prisma/client.ts';
import { guardedFetch } from '../../../lib/outbound-fetch.ts';
import { classifySdkError } from '../errors.ts';
import {
  embeddingVector,
  MAX_PROVIDER_ANSWER_BYTES,
  parseAnswer,
  ZChatCompletion,
  ZEmbeddingsAnswer,
  ZImagesAnswer,
} from './answers.ts';
import type { ProviderClient, ProviderClientOptions } from './types.ts';

/**
 * OpenAI, or any OpenAI-compatible endpoint (Ollama, OpenRouter, vLLM) by base URL, through the official SDK. Chat
 * Completions with strict JSON-schema output: the one API every compatible server implements. Requests go through
 * the outbound guard; answers are checked against their schema before they are read (answers.ts).
 */
export function createOpenAiClient(options: ProviderClientOptions, provider: AiProvider = 'openai'): ProviderClient {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: timeoutMs,
    // The engine retries (and counts attempts, and honours retry-after); SDK retries would multiply them.
    maxRetries: 0,
    fetch: guardedFetch(options.outbound, {
      timeoutMs: timeoutMs + 5_000,
      maxResponseBytes: MAX_PROVIDER_ANSWER_BYTES,
    }),
  });
  const call = async <T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw classifySdkError(error, provider, signal);
    }
  };

  return {
    provider,

    async text(request) {
      const answer = await call(
        () =>
          client.chat.completions.create(
            {
              model: request.model,
              messages: [
                { role: 'system', content: request.system },
                { role: 'user', content: request.prompt },
              ],
              max_completion_tokens: request.maxOutputTokens,
              ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
              ...(request.json
                ? {
                    response_format: {
                      type: 'json_schema' as const,
                      json_schema: { name: request.json.name, schema: request.json.schema, strict: true },
                    },
                  }
                : {}),
            },
            request.signal ? { signal: request.signal } : {},
          ),
        request.signal,
      );
      const completion = parseAnswer(ZChatCompletion, answer, provider, 'a chat completion');
      const choice = completion.choices[0]!;
      return {
        text: choice.message.content ?? '',
        finishReason: choice.finish_reason ?? 'stop',
        usage: {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
        },
      };
    },

    async image(request) {
      const answer = await call(
        () =>
          client.images.generate(
            { model: request.model, prompt: request.prompt, size: request.size, n: 1 },
            request.signal ? { signal: request.signal } : {},
          ),
        request.signal,
      );
      const result = parseAnswer(ZImagesAnswer, answer, provider, 'an image');
      return {
        png: Buffer.from(result.data[0]!.b64_json, 'base64'),
        usage: {
          images: 1,
          ...(result.usage ? { inputTokens: result.usage.input_tokens, outputTokens: result.usage.output_tokens } : {}),
        },
      };
    },

    async embed(request) {
      const answer = await call(
        () =>
          client.embeddings.create(
            { model: request.model, input: request.input, encoding_format: 'base64' },
            request.signal ? { signal: request.signal } : {},
          ),
        request.signal,
      );
      const result = parseAnswer(ZEmbeddingsAnswer, answer, provider, 'embeddings');
      return {
        vectors: result.data.sort((a, b) => a.index - b.index).map((d) => embeddingVector(d.embedding, provider)),
        usage: { inputTokens: result.usage?.prompt_tokens ?? 0 },
      };
    },
  };
}
