import {
  bestTool,
  complete,
  type Conversation,
  estimateTokens,
  idFrom,
  jsonPieces,
  type JsonSchema,
  type OutputMode,
  partialObject,
  promptTokens,
  streamPieces,
  wantsJson,
} from './content.ts';
import {
  type Body,
  type Handled,
  type HandlerContext,
  int,
  InvalidRequest,
  isObj,
  json,
  type Provider,
  randomId,
  retryAfterHeaders,
  type SseEvent,
  str,
} from './http.ts';
import type { FailSpec } from './knobs.ts';

/** Anthropic's wire format: Messages (plain and streamed), count_tokens, Models. */

const MODELS = [
  ['claude-opus-4-6', 'Claude Opus 4.6'],
  ['claude-sonnet-4-6', 'Claude Sonnet 4.6'],
  ['claude-haiku-4-5', 'Claude Haiku 4.5'],
];

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const errorBody = (type: string, message: string) => ({
  type: 'error',
  error: { type, message },
  request_id: `req_${randomId()}`,
});

/** Text of a content: a string or blocks (text, tool_use, tool_result; images and documents counted apart). */
function blocksText(content: unknown, media: { count: number }): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const block of content) {
    if (!isObj(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') parts.push(block.text);
    else if (block.type === 'tool_use') parts.push(`${block.name} ${JSON.stringify(block.input)}`);
    else if (block.type === 'tool_result') parts.push(blocksText(block.content, media));
    else if (block.type === 'image' || block.type === 'document') media.count++;
  }
  return parts.join('\n');
}

function conversation(body: Body, media: { count: number }): Conversation {
  const messages = body.messages as unknown[];
  const conv: Conversation = {
    system: blocksText(body.system, media),
    turns: [],
    lastUserText: '',
    endsWithToolResult: false,
    prefill: '',
  };
  messages.forEach((m, i) => {
    if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant'))
      throw new InvalidRequest(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    const text = blocksText(m.content, media);
    conv.turns.push({ role: m.role, text });
    const onlyToolResults =
      Array.isArray(m.content) && m.content.every((b) => isObj(b) && b.type === 'tool_result') && m.content.length > 0;
    if (m.role === 'user' && text && !onlyToolResults) conv.lastUserText = text;
  });
  const last = messages.at(-1);
  if (isObj(last) && last.role === 'assistant') conv.prefill = blocksText(last.content, media);
  conv.endsWithToolResult =
    isObj(last) && Array.isArray(last.content) && last.content.some((b) => isObj(b) && b.type === 'tool_result');
  return conv;
}

interface CustomTool {
  name: string;
  description?: string;
  input_schema: JsonSchema;
}

/** The request's answer mode and, under tool_choice auto, whether Claude-style preamble text precedes the call. */
function resolveMode(body: Body, conv: Conversation): { mode: OutputMode; preamble: boolean } {
  const tools: CustomTool[] = (Array.isArray(body.tools) ? body.tools : [])
    .filter((t): t is Body => isObj(t) && isObj(t.input_schema) && typeof t.name === 'string')
    .map((t) => ({
      name: t.name as string,
      description: str(t.description),
      input_schema: t.input_schema as JsonSchema,
    }));
  const choice = isObj(body.tool_choice) ? body.tool_choice : { type: 'auto' };
  if (tools.length && choice.type !== 'none') {
    if (choice.type === 'tool') {
      const tool = tools.find((t) => t.name === choice.name);
      if (!tool) throw new InvalidRequest(`tool_choice: tool '${String(choice.name)}' not found in tools`);
      return { mode: { kind: 'tool', name: tool.name, schema: tool.input_schema }, preamble: false };
    }
    // Under 'auto' Claude answers once a tool result came back, so agent loops end.
    if (choice.type === 'any' || !conv.endsWithToolResult) {
      const tool = bestTool(tools, conv);
      return {
        mode: { kind: 'tool', name: tool.name, schema: tool.input_schema },
        preamble: choice.type !== 'any',
      };
    }
  }
  const format = isObj(body.output_config) && isObj(body.output_config.format) ? body.output_config.format : undefined;
  if (format?.type === 'json_schema')
    return { mode: { kind: 'json', schema: format.schema as JsonSchema }, preamble: false };
  return { mode: wantsJson(conv) ? { kind: 'json' } : { kind: 'text' }, preamble: false };
}

function validate(body: Body): string {
  const model = str(body.model);
  if (!model) throw new InvalidRequest('model: Field required');
  if (int(body.max_tokens) === undefined) throw new InvalidRequest('max_tokens: Field required');
  if (!Array.isArray(body.messages) || !body.messages.length)
    throw new InvalidRequest('messages: at least one message is required');
  return model;
}

function messages(body: Body, ctx: HandlerContext): Handled {
  const model = validate(body);
  const maxTokens = int(body.max_tokens)!;
  const media = { count: 0 };
  const conv = conversation(body, media);
  const { mode, preamble } = resolveMode(body, conv);
  const malformed = mode.kind !== 'text' && ctx.takeMalformed();
  const plantHtml = mode.kind !== 'text' ? ctx.takePlant() : undefined;
  const c = complete(conv, mode, { maxTokens, malformed, plantHtml });
  const preambleText = preamble && mode.kind === 'tool' ? `I'll use the ${mode.name} tool for this.` : '';
  const inputTokens = promptTokens(conv, JSON.stringify([body.tools ?? null, body.output_config ?? null]), media.count);
  const outputTokens = c.outputTokens + (preambleText ? estimateTokens(preambleText) : 0);
  const stopReason = c.truncated ? 'max_tokens' : mode.kind === 'tool' ? 'tool_use' : 'end_turn';
  const toolId = `toolu_${idFrom(c.seed)}`;
  const usage = {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    server_tool_use: null,
    service_tier: 'standard',
  };
  const message = {
    id: `msg_${randomId()}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [] as object[],
    stop_reason: stopReason as string | null,
    stop_sequence: null,
    usage,
  };
  const tokens = inputTokens + outputTokens;

  if (body.stream !== true) {
    if (preambleText) message.content.push({ type: 'text', text: preambleText, citations: null });
    if (mode.kind === 'tool') {
      // The API hands tool input over as an object, so "broken" (or cut off) input is an incomplete object.
      const input = malformed || c.truncated ? partialObject(c.value) : c.value;
      message.content.push({ type: 'tool_use', id: toolId, name: mode.name, input, caller: { type: 'direct' } });
    } else message.content.push({ type: 'text', text: c.text, citations: null });
    return { reply: json(200, message), tokens };
  }

  const events: SseEvent[] = [];
  const emit = (type: string, payload: object) =>
    events.push({ event: type, data: JSON.stringify({ type, ...payload }) });
  emit('message_start', {
    message: { ...message, stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  let index = 0;
  const textBlock = (text: string) => {
    emit('content_block_start', { index, content_block: { type: 'text', text: '', citations: null } });
    if (index === 0) emit('ping', {});
    for (const piece of streamPieces(text))
      emit('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    emit('content_block_stop', { index });
    index++;
  };
  if (preambleText) textBlock(preambleText);
  if (mode.kind === 'tool') {
    emit('content_block_start', {
      index,
      content_block: { type: 'tool_use', id: toolId, name: mode.name, input: {}, caller: { type: 'direct' } },
    });
    if (index === 0) emit('ping', {});
    for (const piece of jsonPieces(c.text))
      emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    emit('content_block_stop', { index });
  } else textBlock(c.text);
  emit('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  emit('message_stop', {});
  return { reply: { kind: 'sse', events }, tokens };
}

function countTokens(body: Body): Handled {
  if (!str(body.model)) throw new InvalidRequest('model: Field required');
  if (!Array.isArray(body.messages)) throw new InvalidRequest('messages: Field required');
  const media = { count: 0 };
  const conv = conversation(body, media);
  const inputTokens = promptTokens(conv, JSON.stringify([body.tools ?? null, body.output_config ?? null]), media.count);
  return { reply: json(200, { input_tokens: inputTokens }), tokens: 0 };
}

function models(): Handled {
  const data = MODELS.map(([id, name]) => ({
    type: 'model',
    id,
    display_name: name,
    created_at: '2025-01-01T00:00:00Z',
  }));
  return {
    reply: json(200, { data, has_more: false, first_id: data[0]!.id, last_id: data.at(-1)!.id }),
    tokens: 0,
  };
}

function failureError(spec: FailSpec): { status: number; type: string; message: string } {
  const kind = spec.kind ?? (spec.status === 429 ? 'rate_limit' : spec.status === 529 ? 'overloaded' : undefined);
  if (kind === 'rate_limit')
    return {
      status: spec.status ?? 429,
      type: 'rate_limit_error',
      message:
        spec.message ?? 'This request would exceed the rate limit for your organization. Please try again later.',
    };
  if (kind === 'quota')
    return {
      status: spec.status ?? 400,
      type: 'invalid_request_error',
      message:
        spec.message ??
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
    };
  if (kind === 'overloaded')
    return { status: spec.status ?? 529, type: 'overloaded_error', message: spec.message ?? 'Overloaded' };
  const status = spec.status ?? 500;
  return {
    status,
    type: ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
    message: spec.message ?? (status >= 500 ? 'Internal server error' : `Request failed with status ${status}`),
  };
}

export const anthropic: Provider = {
  name: 'anthropic',
  requestIdHeader: 'request-id',

  route(method, path) {
    if (method === 'POST' && path === '/v1/messages') return messages;
    if (method === 'POST' && path === '/v1/messages/count_tokens') return countTokens;
    if (method === 'GET' && path === '/v1/models') return models;
    return undefined;
  },

  authenticate(headers) {
    const key =
      (headers['x-api-key'] as string | undefined) ?? /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    return !key ? 'missing' : key === 'bad-key' ? 'bad' : 'ok';
  },

  authFailure(result) {
    return json(
      401,
      errorBody('authentication_error', result === 'missing' ? 'x-api-key header is required' : 'invalid x-api-key'),
    );
  },

  failure(spec) {
    const { status, type, message } = failureError(spec);
    return json(
      status,
      errorBody(type, message),
      retryAfterHeaders(spec.retryAfter === undefined ? undefined : spec.retryAfter * 1000),
    );
  },

  streamError(spec) {
    const { type, message } = failureError(spec);
    return { event: 'error', data: JSON.stringify({ type: 'error', error: { type, message } }) };
  },

  rateLimited(decision) {
    const tokensReason = decision.reason === 'tokens';
    const cap = tokensReason ? decision.limit.tokensPerMinute : decision.limit.requestsPerMinute;
    const message =
      decision.retryAfterMs === undefined
        ? `This request would exceed your organization's rate limit of ${cap} tokens per minute on its own. Please reduce the prompt length or the maximum tokens requested.`
        : `This request would exceed the rate limit for your organization of ${cap} ${tokensReason ? 'tokens' : 'requests'} per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`;
    return json(429, errorBody('rate_limit_error', message), retryAfterHeaders(decision.retryAfterMs));
  },

  rateLimitHeaders(decision, now) {
    const h: Record<string, string> = {};
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = decision.limit;
    // RFC 3339 time at which the window is empty again.
    const reset = new Date(now + decision.resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (rpm) {
      h['anthropic-ratelimit-requests-limit'] = String(rpm);
      h['anthropic-ratelimit-requests-remaining'] = String(Math.max(0, rpm - decision.usedRequests));
      h['anthropic-ratelimit-requests-reset'] = reset;
    }
    if (tpm) {
      h['anthropic-ratelimit-tokens-limit'] = String(tpm);
      h['anthropic-ratelimit-tokens-remaining'] = String(Math.max(0, tpm - decision.usedTokens));
      h['anthropic-ratelimit-tokens-reset'] = reset;
    }
    return h;
  },

  invalid(error) {
    return json(error.status, errorBody(ERROR_TYPES[error.status] ?? 'invalid_request_error', error.message));
  },
};
