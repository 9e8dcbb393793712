import OpenAI from 'openai';
import type { AiProvider } from '../../generated/prisma/client.ts';
import { AiError, classifySdkError } from '../errors.ts';
import type { ProviderClient, ProviderClientOptions } from './types.ts';

/**
 * OpenAI, or any OpenAI-compatible endpoint (Ollama, OpenRouter, vLLM) by base URL, through the official SDK. Chat
 * Completions with strict JSON-schema output: the one API every compatible server implements.
 */
export function createOpenAiClient(options: ProviderClientOptions, provider: AiProvider = 'openai'): ProviderClient {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: options.timeoutMs ?? 120_000,
    // The engine retries (and counts attempts, and honours retry-after); SDK retries would multiply them.
    maxRetries: 0,
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
      const completion = await call(
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
      const choice = completion.choices[0];
      if (!choice) throw new AiError('malformed_output', 'The model returned no answer.', provider);
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
      const result = await call(
        () =>
          client.images.generate(
            { model: request.model, prompt: request.prompt, size: request.size, n: 1 },
            request.signal ? { signal: request.signal } : {},
          ),
        request.signal,
      );
      const b64 = result.data?.[0]?.b64_json;
      if (!b64) throw new AiError('malformed_output', 'The image model returned no image.', provider);
      return {
        png: Buffer.from(b64, 'base64'),
        usage: {
          images: 1,
          ...(result.usage ? { inputTokens: result.usage.input_tokens, outputTokens: result.usage.output_tokens } : {}),
        },
      };
    },

    async embed(request) {
      const result = await call(() =>
        client.embeddings.create(
          { model: request.model, input: request.input },
          request.signal ? { signal: request.signal } : {},
        ),
      );
      return {
        vectors: result.data.sort((a, b) => a.index - b.index).map((d) => d.embedding),
        usage: { inputTokens: result.usage?.prompt_tokens ?? 0 },
      };
    },
  };
}
