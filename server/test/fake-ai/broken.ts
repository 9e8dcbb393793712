import { json, nowSeconds, randomId, type Reply } from './http.ts';
import type { ProviderName } from './knobs.ts';

/**
 * Answers that arrive with HTTP 200 but are not what the API documents, as proxies, half-compatible servers and
 * provider incidents produce them. Each shape exists for every endpoint the product calls: chat completions,
 * messages, images and embeddings.
 */
export const BROKEN_SHAPES = ['no_choices', 'empty_content', 'wrong_types', 'html_200'] as const;
export type BrokenShape = (typeof BROKEN_SHAPES)[number];

/** One broken answer, consumed by the first request it matches (after auth; injected failures go first). */
export interface BrokenSpec {
  /**
   * `no_choices`: the list of results is missing (`choices`, `content`, `data`); `empty_content`: present but empty
   * (a null message, no content blocks, an empty image, no embeddings); `wrong_types`: fields of the wrong JSON type;
   * `html_200`: an HTML error page with status 200.
   */
  shape: BrokenShape;
  /** Only requests to this provider match. */
  provider?: ProviderName;
  /** Only requests to this exact path match, e.g. '/v1/images/generations'. */
  path?: string;
}

/** Validates `brokenNext` from an untrusted source (HTTP body). */
export function parseBrokenSpecs(value: unknown): BrokenSpec[] {
  if (!Array.isArray(value)) throw new Error('brokenNext must be an array');
  return value.map((spec, i) => {
    if (typeof spec !== 'object' || spec === null) throw new Error(`brokenNext[${i}] must be an object`);
    const s = spec as Record<string, unknown>;
    for (const key of Object.keys(s)) {
      if (!['shape', 'provider', 'path'].includes(key)) throw new Error(`unknown brokenNext[${i}] key ${key}`);
    }
    if (!BROKEN_SHAPES.includes(s.shape as BrokenShape))
      throw new Error(`brokenNext[${i}].shape must be one of ${BROKEN_SHAPES.join(', ')}`);
    if (s.provider !== undefined && s.provider !== 'openai' && s.provider !== 'anthropic')
      throw new Error(`brokenNext[${i}].provider must be openai or anthropic`);
    if (s.path !== undefined && typeof s.path !== 'string') throw new Error(`brokenNext[${i}].path must be a string`);
    return { ...(s as unknown as BrokenSpec) };
  });
}

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>' +
  '<body><h1>502 Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>\n';

/** The broken 200 answer of `shape` for a request to `path`. */
export function brokenReply(provider: ProviderName, path: string, shape: BrokenShape, model: string): Reply {
  if (shape === 'html_200') {
    return { kind: 'bytes', status: 200, contentType: 'text/html; charset=utf-8', body: Buffer.from(HTML_PAGE) };
  }
  if (provider === 'anthropic') return json(200, anthropicMessage(shape, model));
  if (path === '/v1/images/generations') return json(200, image(shape));
  if (path === '/v1/embeddings') return json(200, embeddings(shape, model));
  return json(200, chatCompletion(shape, model));
}

function chatCompletion(shape: Exclude<BrokenShape, 'html_200'>, model: string) {
  const base = { id: `chatcmpl-${randomId()}`, object: 'chat.completion', created: nowSeconds(), model };
  const usage = { prompt_tokens: 12, completion_tokens: 0, total_tokens: 12 };
  switch (shape) {
    case 'no_choices':
      return { ...base, usage };
    case 'empty_content':
      return {
        ...base,
        choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'stop' }],
        usage,
      };
    case 'wrong_types':
      return {
        ...base,
        choices: [{ index: '0', message: { role: 'assistant', content: 42 }, finish_reason: 7 }],
        usage: { prompt_tokens: 'twelve', completion_tokens: null },
      };
  }
}

function anthropicMessage(shape: Exclude<BrokenShape, 'html_200'>, model: string) {
  const base = { id: `msg_${randomId()}`, type: 'message', role: 'assistant', model, stop_sequence: null };
  const usage = { input_tokens: 12, output_tokens: 0 };
  switch (shape) {
    case 'no_choices':
      return { ...base, stop_reason: 'end_turn', usage };
    case 'empty_content':
      return { ...base, content: [], stop_reason: 'end_turn', usage };
    case 'wrong_types':
      return { ...base, content: 'just text', stop_reason: 1, usage: { input_tokens: '12', output_tokens: [] } };
  }
}

function image(shape: Exclude<BrokenShape, 'html_200'>) {
  const created = nowSeconds();
  switch (shape) {
    case 'no_choices':
      return { created };
    case 'empty_content':
      return { created, data: [{ b64_json: '' }] };
    case 'wrong_types':
      return { created, data: [{ b64_json: 12345 }], usage: { input_tokens: 'ten', output_tokens: 0 } };
  }
}

function embeddings(shape: Exclude<BrokenShape, 'html_200'>, model: string) {
  const usage = { prompt_tokens: 4, total_tokens: 4 };
  switch (shape) {
    case 'no_choices':
      return { object: 'list', model, usage };
    case 'empty_content':
      return { object: 'list', data: [], model, usage };
    case 'wrong_types':
      return { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [true, 'x'] }], model, usage };
  }
}
