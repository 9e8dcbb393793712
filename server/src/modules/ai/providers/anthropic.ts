import Anthropic from '@anthropic-ai/sdk';
import { guardedFetch } from '../../../lib/outbound-fetch.ts';
import { AiError, classifySdkError } from '../errors.ts';
import { MAX_PROVIDER_ANSWER_BYTES, parseAnswer, ZAnthropicMessage } from './answers.ts';
import type { ProviderClient, ProviderClientOptions } from './types.ts';

/**
 * Anthropic Messages through the official SDK. Structured output uses a forced tool call, whose input Anthropic
 * shapes by the tool's JSON schema; its input is returned as the JSON text. Requests go through the outbound guard;
 * answers are checked against their schema before they are read (answers.ts).
 */
export function createAnthropicClient(options: ProviderClientOptions): ProviderClient {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: timeoutMs,
    maxRetries: 0,
    fetch: guardedFetch(options.outbound, {
      timeoutMs: timeoutMs + 5_000,
      maxResponseBytes: MAX_PROVIDER_ANSWER_BYTES,
    }),
  });
  const unsupported = (what: string) =>
    new AiError('invalid_request', `Anthropic does not offer ${what}; choose an OpenAI model for it.`, 'anthropic');

  return {
    provider: 'anthropic',

    async text(request) {
      let answer: unknown;
      try {
        answer = await client.messages.create(
          {
            model: request.model,
            max_tokens: request.maxOutputTokens,
            system: request.system,
            messages: [{ role: 'user', content: request.prompt }],
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            ...(request.json
              ? {
                  tools: [
                    {
                      name: request.json.name,
                      description: 'Record the answer in this exact structure.',
                      input_schema: request.json.schema as Anthropic.Tool.InputSchema,
                    },
                  ],
                  tool_choice: { type: 'tool' as const, name: request.json.name },
                }
              : {}),
          },
          request.signal ? { signal: request.signal } : {},
        );
      } catch (error) {
        throw classifySdkError(error, 'anthropic', request.signal);
      }
      const message = parseAnswer(ZAnthropicMessage, answer, 'anthropic', 'a message');
      const usage = { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens };
      const finishReason = message.stop_reason === 'max_tokens' ? 'length' : (message.stop_reason ?? 'stop');
      if (request.json) {
        // No tool call is an empty answer: the structured-output step asks once more, as for any unusable answer.
        const tool = message.content.find((block) => block.type === 'tool_use');
        return { text: tool?.input === undefined ? '' : JSON.stringify(tool.input), usage, finishReason };
      }
      const text = message.content
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join('');
      return { text, usage, finishReason };
    },

    async image() {
      throw unsupported('image generation');
    },

    async embed() {
      throw unsupported('embeddings');
    },
  };
}
