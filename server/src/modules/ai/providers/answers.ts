import { z } from 'zod';
import { AiError, providerName } from '../errors.ts';

/**
 * What the providers' answers must look like before anything reads them. The SDKs hand back whatever JSON (or text)
 * came with a 200: an answer that is not the documented shape (no choices, wrong types, an HTML error page from a
 * proxy) is a malformed answer in the product's words, never a TypeError. Malformed output is not retried by the
 * transport (the retry policy retries rate limits, 5xx, timeouts and network errors only); an empty answer is left
 * to the structured-output step, which asks the model once more (see functions/structured.ts).
 */

/** Largest provider answer read (an image as base64, or 256 embeddings of 3,072 dimensions as numbers). */
export const MAX_PROVIDER_ANSWER_BYTES = 64 * 2 ** 20;

const tokens = z.number().int().nonnegative();
/** A list that must be there and hold something: the results of a call. */
const results = <T extends z.ZodType>(item: T) =>
  z.array(item, { error: 'is missing or not a list' }).min(1, 'is empty');

export const ZChatCompletion = z.object({
  choices: results(
    z.object({
      message: z.object({ content: z.string().nullish() }),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: z.object({ prompt_tokens: tokens, completion_tokens: tokens }).nullish(),
});

export const ZImagesAnswer = z.object({
  data: results(z.object({ b64_json: z.string().min(1, 'is empty') })),
  usage: z.object({ input_tokens: tokens, output_tokens: tokens }).nullish(),
});

export const ZEmbeddingsAnswer = z.object({
  data: results(
    z.object({
      index: z.number().int().nonnegative(),
      // Base64 little-endian float32 (encoding_format: base64), or numbers from servers that ignore the format.
      embedding: z.union([z.string().min(1), z.array(z.number()).min(1)]),
    }),
  ),
  usage: z.object({ prompt_tokens: tokens }).nullish(),
});

export const ZAnthropicMessage = z.object({
  // May be empty (no text, no tool call): that is an empty answer, not a broken one.
  content: z.array(
    z.object({
      type: z.string(),
      text: z.string().optional(),
      input: z.unknown().optional(),
      name: z.string().optional(),
    }),
    { error: 'is missing or not a list' },
  ),
  stop_reason: z.string().nullish(),
  usage: z.object({ input_tokens: tokens, output_tokens: tokens }),
});

/** `value` checked against `schema`, or a malformed_output AiError saying what was wrong with it. */
export function parseAnswer<T extends z.ZodType>(
  schema: T,
  value: unknown,
  provider: string,
  what: string,
): z.infer<T> {
  const name = providerName(provider);
  if (typeof value === 'string') {
    const page = /^\s*<(!doctype|html|head|body)\b/i.test(value) ? 'an HTML page' : 'text';
    throw new AiError(
      'malformed_output',
      `${name} answered with ${page} instead of ${what} (HTTP 200). Check the provider's address, or try again later.`,
      provider,
    );
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
  throw new AiError(
    'malformed_output',
    `${name} sent ${what} that is not in the expected form (${issues}). Try again later or choose another model.`,
    provider,
  );
}

/** An embedding as numbers, from base64 float32 or a plain array. */
export function embeddingVector(embedding: string | number[], provider: string): number[] {
  if (Array.isArray(embedding)) return embedding;
  // A copy starts at offset 0, as Float32Array needs.
  const bytes = new Uint8Array(Buffer.from(embedding, 'base64'));
  if (bytes.length === 0 || bytes.length % 4 !== 0) {
    throw new AiError(
      'malformed_output',
      `${providerName(provider)} sent an embedding that is not a list of numbers. Try again later or choose another model.`,
      provider,
    );
  }
  return Array.from(new Float32Array(bytes.buffer));
}
