import {
  bestTool,
  complete,
  type Completion,
  type Conversation,
  estimateTokens,
  idFrom,
  jsonPieces,
  type JsonSchema,
  type OutputMode,
  promptTokens,
  streamPieces,
  wantsJson,
} from './content.ts';
import {
  bearer,
  type Body,
  type Handled,
  type HandlerContext,
  int,
  InvalidRequest,
  isObj,
  json,
  nowSeconds,
  type Provider,
  randomId,
  retryAfterHeaders,
  type SseEvent,
  str,
} from './http.ts';
import type { FailSpec } from './knobs.ts';
import { renderPng } from './png.ts';
import { embed, toBase64 } from './vectors.ts';

/** OpenAI's wire formats: Chat Completions, Responses, Images, Embeddings, Models. */

const FINGERPRINT = 'fp_fakeai0001';

const MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-5',
  'gpt-5-mini',
  'gpt-5.2',
  'gpt-image-1',
  'gpt-image-1-mini',
  'gpt-image-1.5',
  'dall-e-3',
  'text-embedding-3-small',
  'text-embedding-3-large',
];

// ---------------------------------------------------------------------------------------------------------------
// Input flattening

/** Text of a message content: a string, or parts (text / input_text / output_text; images counted apart). */
function contentText(content: unknown, images: { count: number }): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (!isObj(part)) return '';
      if (typeof part.text === 'string') return part.text;
      if (part.type === 'image_url' || part.type === 'input_image') images.count++;
      return '';
    })
    .filter(Boolean)
    .join('\n');
}

function chatConversation(messages: unknown[], images: { count: number }): Conversation {
  const conv: Conversation = { system: '', turns: [], lastUserText: '', endsWithToolResult: false, prefill: '' };
  const system: string[] = [];
  for (const m of messages) {
    if (!isObj(m)) throw new InvalidRequest("Invalid type for 'messages': expected an array of objects.", 'messages');
    const role = str(m.role);
    if (!role) throw new InvalidRequest("Missing required parameter: 'messages[].role'.", 'messages');
    let text = contentText(m.content, images);
    if (Array.isArray(m.tool_calls))
      for (const call of m.tool_calls)
        if (isObj(call) && isObj(call.function)) text += `\n${call.function.name} ${call.function.arguments}`;
    if (role === 'system' || role === 'developer') system.push(text);
    else conv.turns.push({ role, text });
    if (role === 'user' && text) conv.lastUserText = text;
  }
  conv.system = system.join('\n');
  conv.endsWithToolResult = conv.turns.at(-1)?.role === 'tool';
  return conv;
}

function responsesConversation(input: unknown, instructions: unknown, images: { count: number }): Conversation {
  const conv: Conversation = {
    system: str(instructions) ?? '',
    turns: [],
    lastUserText: '',
    endsWithToolResult: false,
    prefill: '',
  };
  const items = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
  const system: string[] = conv.system ? [conv.system] : [];
  let lastType = '';
  for (const item of items) {
    if (!isObj(item)) continue;
    lastType = str(item.type) ?? 'message';
    if (item.type === 'function_call') conv.turns.push({ role: 'assistant', text: `${item.name} ${item.arguments}` });
    else if (item.type === 'function_call_output')
      conv.turns.push({
        role: 'tool',
        text: typeof item.output === 'string' ? item.output : JSON.stringify(item.output),
      });
    else if (typeof item.role === 'string') {
      const text = contentText(item.content, images);
      if (item.role === 'system' || item.role === 'developer') system.push(text);
      else conv.turns.push({ role: item.role, text });
      if (item.role === 'user' && text) conv.lastUserText = text;
    }
  }
  conv.system = system.join('\n');
  conv.endsWithToolResult = lastType === 'function_call_output';
  return conv;
}

interface FunctionTool {
  name: string;
  description?: string;
  parameters: JsonSchema;
}

/**
 * Strict mode (structured outputs, strict function tools) rejects schemas whose objects do not list every property
 * as required or allow additional properties, as the real API does: a schema that only works against the fake would
 * fail in production. Other strict-mode restrictions are not checked.
 */
function checkStrictSchema(schema: unknown, where: string, param: string, path: string[] = []): void {
  if (!isObj(schema)) return;
  const context = `Invalid schema for ${where}: In context=(${path.map((p) => `'${p}'`).join(', ')}), `;
  if (!path.length && schema.type !== 'object')
    throw new InvalidRequest(
      `Invalid schema for ${where}: schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema.type)}"'.`,
      param,
    );
  const properties = isObj(schema.properties) ? schema.properties : {};
  if (schema.type === 'object' || isObj(schema.properties)) {
    if (schema.additionalProperties !== false)
      throw new InvalidRequest(`${context}'additionalProperties' is required to be supplied and to be false.`, param);
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties).find((k) => !required.includes(k));
    if (missing !== undefined)
      throw new InvalidRequest(
        `${context}'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`,
        param,
      );
  }
  for (const [k, v] of Object.entries(properties)) checkStrictSchema(v, where, param, [...path, 'properties', k]);
  if (schema.items !== undefined) checkStrictSchema(schema.items, where, param, [...path, 'items']);
  for (const key of ['anyOf', 'allOf', 'prefixItems'])
    if (Array.isArray(schema[key]))
      (schema[key] as unknown[]).forEach((v, i) => checkStrictSchema(v, where, param, [...path, key, String(i)]));
  for (const key of ['$defs', 'definitions'])
    if (isObj(schema[key]))
      for (const [k, v] of Object.entries(schema[key])) checkStrictSchema(v, where, param, [...path, key, k]);
}

/** Function tools in either shape: Chat's {type, function:{...}} or Responses' flat {type, name, parameters}. */
function functionTools(tools: unknown): FunctionTool[] {
  if (!Array.isArray(tools)) return [];
  const out: FunctionTool[] = [];
  for (const [i, t] of tools.entries()) {
    if (!isObj(t) || t.type !== 'function') continue;
    const f = isObj(t.function) ? t.function : t;
    const name = str(f.name);
    if (!name) throw new InvalidRequest("Missing required parameter: 'tools[].function.name'.", 'tools');
    if (f.strict === true)
      checkStrictSchema(f.parameters, `function '${name}'`, `tools[${i}].${t.function ? 'function.' : ''}parameters`);
    out.push({
      name,
      description: str(f.description),
      parameters: (isObj(f.parameters) ? f.parameters : { type: 'object', properties: {} }) as JsonSchema,
    });
  }
  return out;
}

/** What to answer: a tool call (tool_choice permitting), structured JSON, or text. */
function resolveMode(
  tools: FunctionTool[],
  toolChoice: unknown,
  format: { type?: unknown; schema?: unknown } | undefined,
  conv: Conversation,
): OutputMode {
  if (tools.length && toolChoice !== 'none') {
    const forced = isObj(toolChoice)
      ? (str(toolChoice.name) ?? (isObj(toolChoice.function) ? str(toolChoice.function.name) : undefined))
      : undefined;
    if (forced) {
      const tool = tools.find((t) => t.name === forced);
      if (!tool)
        throw new InvalidRequest(
          `Invalid value for 'tool_choice': no function named '${forced}' was specified in the 'tools' parameter.`,
          'tool_choice',
        );
      return { kind: 'tool', name: tool.name, schema: tool.parameters };
    }
    // Under 'auto' the model answers once a tool result came back, so agent loops end.
    if (toolChoice === 'required' || !conv.endsWithToolResult) {
      const tool = bestTool(tools, conv);
      return { kind: 'tool', name: tool.name, schema: tool.parameters };
    }
  }
  if (format?.type === 'json_schema') return { kind: 'json', schema: (format.schema ?? {}) as JsonSchema };
  if (format?.type === 'json_object') {
    const all = `${conv.system}\n${conv.turns.map((t) => t.text).join('\n')}`;
    if (!/json/i.test(all))
      throw new InvalidRequest(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
      );
    return { kind: 'json' };
  }
  return wantsJson(conv) ? { kind: 'json' } : { kind: 'text' };
}

const usageOf = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
});

const requireModel = (body: Body) => {
  const model = str(body.model);
  if (!model) throw new InvalidRequest('you must provide a model parameter', 'model');
  return model;
};

// ---------------------------------------------------------------------------------------------------------------
// Chat Completions

function chatCompletions(body: Body, ctx: HandlerContext): Handled {
  const model = requireModel(body);
  if (!Array.isArray(body.messages) || !body.messages.length)
    throw new InvalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1.", 'messages');
  const images = { count: 0 };
  const conv = chatConversation(body.messages, images);
  const tools = functionTools(body.tools);
  const rf = isObj(body.response_format) ? body.response_format : undefined;
  const jsonSchema = rf && isObj(rf.json_schema) ? rf.json_schema : undefined;
  if (rf?.type === 'json_schema' && jsonSchema?.strict === true)
    checkStrictSchema(jsonSchema.schema, `response_format '${String(jsonSchema.name)}'`, 'response_format');
  const format = rf && { type: rf.type, schema: jsonSchema?.schema };
  const mode = resolveMode(tools, body.tool_choice, format, conv);
  const maxTokens = int(body.max_completion_tokens) ?? int(body.max_tokens);
  const stream = body.stream === true;
  const n = stream ? 1 : Math.max(1, Math.min(8, int(body.n) ?? 1));
  const malformed = mode.kind !== 'text' && ctx.takeMalformed();
  const plantHtml = mode.kind !== 'text' ? ctx.takePlant() : undefined;
  const completions = Array.from({ length: n }, (_, i) =>
    complete(conv, mode, { maxTokens, malformed, variant: i, plantHtml }),
  );
  const prompt = promptTokens(conv, JSON.stringify([body.tools ?? null, rf ?? null]), images.count);
  const completionTokens = completions.reduce((sum, c) => sum + c.outputTokens, 0);
  const usage = usageOf(prompt, completionTokens);
  const id = `chatcmpl-${randomId()}`;
  const created = nowSeconds();
  const finish = (c: Completion) => (c.truncated ? 'length' : mode.kind === 'tool' ? 'tool_calls' : 'stop');
  const toolCall = (c: Completion) => ({
    id: `call_${idFrom(c.seed)}`,
    type: 'function' as const,
    function: { name: mode.kind === 'tool' ? mode.name : '', arguments: c.text },
  });
  const tokens = usage.total_tokens;

  if (!stream) {
    const choices = completions.map((c, index) => ({
      index,
      message: {
        role: 'assistant',
        content: mode.kind === 'tool' ? null : c.text,
        refusal: null,
        annotations: [],
        ...(mode.kind === 'tool' && { tool_calls: [toolCall(c)] }),
      },
      logprobs: null,
      finish_reason: finish(c),
    }));
    const response = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices,
      usage,
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
    };
    return { reply: json(200, response), tokens };
  }

  const c = completions[0]!;
  const includeUsage = isObj(body.stream_options) && body.stream_options.include_usage === true;
  const base = {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    // With include_usage every chunk carries usage: null until the last one.
    ...(includeUsage && { usage: null }),
  };
  const chunk = (delta: object, finishReason: string | null = null) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  const events: SseEvent[] = [];
  if (mode.kind === 'tool') {
    const call = toolCall(c);
    events.push({
      data: chunk({
        role: 'assistant',
        content: null,
        tool_calls: [
          { index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
        ],
        refusal: null,
      }),
    });
    for (const piece of jsonPieces(c.text))
      events.push({ data: chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }) });
  } else {
    events.push({ data: chunk({ role: 'assistant', content: '', refusal: null }) });
    for (const piece of streamPieces(c.text)) events.push({ data: chunk({ content: piece }) });
  }
  events.push({ data: chunk({}, finish(c)) });
  if (includeUsage) events.push({ data: JSON.stringify({ ...base, choices: [], usage }) });
  events.push({ data: '[DONE]' });
  return { reply: { kind: 'sse', events }, tokens };
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

function responses(body: Body, ctx: HandlerContext): Handled {
  const model = requireModel(body);
  if (body.input === undefined || body.input === '' || (Array.isArray(body.input) && !body.input.length))
    throw new InvalidRequest("Missing required parameter: 'input'.", 'input');
  const images = { count: 0 };
  const conv = responsesConversation(body.input, body.instructions, images);
  const tools = functionTools(body.tools);
  const textConfig = isObj(body.text) ? body.text : undefined;
  const fmt = isObj(textConfig?.format) ? textConfig.format : undefined;
  if (fmt?.type === 'json_schema' && fmt.strict === true)
    checkStrictSchema(fmt.schema, `response_format '${String(fmt.name)}'`, 'text.format.schema');
  const mode = resolveMode(tools, body.tool_choice, fmt && { type: fmt.type, schema: fmt.schema }, conv);
  const maxTokens = int(body.max_output_tokens);
  const malformed = mode.kind !== 'text' && ctx.takeMalformed();
  const plantHtml = mode.kind !== 'text' ? ctx.takePlant() : undefined;
  const c = complete(conv, mode, { maxTokens, malformed, plantHtml });
  const input = promptTokens(conv, JSON.stringify([body.tools ?? null, fmt ?? null]), images.count);
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: c.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + c.outputTokens,
  };
  const status = c.truncated ? 'incomplete' : 'completed';
  const itemId = `${mode.kind === 'tool' ? 'fc' : 'msg'}_${randomId()}`;
  const item =
    mode.kind === 'tool'
      ? {
          id: itemId,
          type: 'function_call',
          status,
          arguments: c.text,
          call_id: `call_${idFrom(c.seed)}`,
          name: mode.name,
        }
      : {
          id: itemId,
          type: 'message',
          status,
          role: 'assistant',
          content: [{ type: 'output_text', annotations: [], logprobs: [], text: c.text }],
        };
  const response = {
    id: `resp_${randomId()}`,
    object: 'response',
    created_at: nowSeconds(),
    status,
    background: false,
    error: null,
    incomplete_details: c.truncated ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: maxTokens ?? null,
    model,
    output: [item],
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: textConfig ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: body.metadata ?? {},
  };
  const tokens = usage.total_tokens;
  if (body.stream !== true) return { reply: json(200, response), tokens };

  const events: SseEvent[] = [];
  const emit = (type: string, payload: object) =>
    events.push({ event: type, data: JSON.stringify({ type, sequence_number: events.length, ...payload }) });
  const pending = { ...response, status: 'in_progress', incomplete_details: null, output: [], usage: null };
  emit('response.created', { response: pending });
  emit('response.in_progress', { response: pending });
  const base = { item_id: itemId, output_index: 0 };
  if (item.type === 'function_call') {
    emit('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
    for (const delta of jsonPieces(c.text)) emit('response.function_call_arguments.delta', { ...base, delta });
    emit('response.function_call_arguments.done', { ...base, name: item.name, arguments: c.text });
  } else {
    emit('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    emit('response.content_part.added', { ...base, content_index: 0, part });
    for (const delta of streamPieces(c.text))
      emit('response.output_text.delta', { ...base, content_index: 0, delta, logprobs: [] });
    emit('response.output_text.done', { ...base, content_index: 0, text: c.text, logprobs: [] });
    emit('response.content_part.done', { ...base, content_index: 0, part: { ...part, text: c.text } });
  }
  emit('response.output_item.done', { output_index: 0, item });
  emit(c.truncated ? 'response.incomplete' : 'response.completed', { response });
  return { reply: { kind: 'sse', events }, tokens };
}

// ---------------------------------------------------------------------------------------------------------------
// Images

/** gpt-image-1 output tokens by quality and size (OpenAI's published table). */
const IMAGE_TOKENS: Record<string, [number, number, number]> = {
  low: [272, 408, 400],
  medium: [1056, 1584, 1568],
  high: [4160, 6240, 6208],
};

/** Image URLs point back at the fake; the name encodes everything needed to render the image again. */
export function imageUrlPath(seed: string, width: number, height: number): string {
  return `/__images/${idFrom(seed, 32)}-${width}x${height}.png`;
}

export function renderImagePath(path: string): Buffer | undefined {
  const m = /^\/__images\/([0-9a-f]{32})-(\d{1,4})x(\d{1,4})\.png$/.exec(path);
  if (!m) return undefined;
  const [w, h] = [Number(m[2]), Number(m[3])];
  if (w < 1 || h < 1 || w > 4096 || h > 4096) return undefined;
  return renderPng(w, h, m[1]!);
}

function imagesGenerations(body: Body, ctx: HandlerContext): Handled {
  const prompt = str(body.prompt);
  if (!prompt) throw new InvalidRequest("Missing required parameter: 'prompt'.", 'prompt');
  const model = str(body.model) ?? 'dall-e-2';
  const gptImage = model.startsWith('gpt-image');
  const n = int(body.n) ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 10)
    throw new InvalidRequest(`Invalid 'n': integer between 1 and 10 expected, got ${n}.`, 'n');
  const sizeParam = str(body.size) ?? 'auto';
  const size = sizeParam === 'auto' ? [1024, 1024] : /^(\d{2,4})x(\d{2,4})$/.exec(sizeParam)?.slice(1).map(Number);
  if (!size || size.some((d) => d < 16 || d > 4096))
    throw new InvalidRequest(`Invalid value: '${sizeParam}'. Expected a size like '1024x1024'.`, 'size');
  const [width, height] = size as [number, number];
  // gpt-image models always answer base64; dall-e defaults to URLs.
  const asUrl = !gptImage && (str(body.response_format) ?? 'url') === 'url';
  const data = Array.from({ length: n }, (_, i) => {
    const seed = `${prompt}\n${model}\n${i}`;
    const image = asUrl
      ? { url: `${ctx.baseUrl}${imageUrlPath(seed, width, height)}` }
      : { b64_json: renderPng(width, height, idFrom(seed, 32)).toString('base64') };
    return model === 'dall-e-3' ? { ...image, revised_prompt: prompt } : image;
  });
  const textTokens = estimateTokens(prompt);
  let tokens = textTokens;
  const response: Body = { created: nowSeconds(), data };
  if (gptImage) {
    const quality = str(body.quality) ?? 'auto';
    const perImage = (IMAGE_TOKENS[quality] ?? IMAGE_TOKENS.medium!)[width === height ? 0 : height > width ? 1 : 2];
    const output = perImage * n;
    tokens = textTokens + output;
    Object.assign(response, {
      background: 'opaque',
      output_format: 'png',
      quality: quality === 'auto' ? 'medium' : quality,
      size: `${width}x${height}`,
      usage: {
        input_tokens: textTokens,
        input_tokens_details: { image_tokens: 0, text_tokens: textTokens },
        output_tokens: output,
        total_tokens: tokens,
      },
    });
  }
  return { reply: json(200, response), tokens };
}

// ---------------------------------------------------------------------------------------------------------------
// Embeddings

function embeddings(body: Body, ctx: HandlerContext): Handled {
  const model = requireModel(body);
  const raw = body.input;
  const inputs: string[] =
    typeof raw === 'string'
      ? [raw]
      : Array.isArray(raw) && raw.every((x) => typeof x === 'number')
        ? [raw.map((t) => `t${t}`).join(' ')]
        : Array.isArray(raw)
          ? raw.map((x) => (typeof x === 'string' ? x : Array.isArray(x) ? x.map((t) => `t${t}`).join(' ') : ''))
          : [];
  if (!inputs.length || inputs.some((s) => !s))
    throw new InvalidRequest("'$.input' is invalid. Please check the API reference.", 'input');
  const requested = int(body.dimensions);
  if (requested !== undefined && model === 'text-embedding-ada-002')
    throw new InvalidRequest('This model does not support specifying dimensions.', 'dimensions');
  const dims = requested ?? (model.includes('large') ? 3072 : 1536);
  if (!Number.isInteger(dims) || dims < 1 || dims > 3072)
    throw new InvalidRequest(`Invalid 'dimensions': expected 1..3072, got ${dims}.`, 'dimensions');
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((text, index) => {
    const vector = embed(ctx.embedAs[text] ?? text, dims);
    return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector };
  });
  const tokens = inputs.reduce((sum, s) => sum + estimateTokens(s), 0);
  return {
    reply: json(200, { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }),
    tokens,
  };
}

function models(): Handled {
  const created = 1_700_000_000;
  const data = MODELS.map((id) => ({ id, object: 'model', created, owned_by: 'system' }));
  return { reply: json(200, { object: 'list', data }), tokens: 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// Errors and headers

const errorBody = (message: string, type: string, code: string | null = null, param: string | null = null) => ({
  error: { message, type, param, code },
});

const SERVER_MESSAGES: Record<number, string> = {
  500: 'The server had an error while processing your request. Sorry about that!',
  502: 'Bad gateway.',
  503: 'The server is overloaded or not ready yet.',
  504: 'Gateway timeout.',
};

/** "6m0s", "1.5s", "120ms": the duration format of OpenAI's x-ratelimit-reset-* headers. */
export function openAiDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(3))}s`;
  return `${Math.floor(s / 60)}m${Number((s % 60).toFixed(3))}s`;
}

function failureBody(spec: FailSpec): { status: number; body: unknown } {
  const kind = spec.kind ?? (spec.status === 429 ? 'rate_limit' : undefined);
  if (kind === 'rate_limit')
    return {
      status: spec.status ?? 429,
      body: errorBody(
        spec.message ?? 'Rate limit reached for requests. Please try again later.',
        'requests',
        'rate_limit_exceeded',
      ),
    };
  if (kind === 'quota')
    return {
      status: spec.status ?? 429,
      body: errorBody(
        spec.message ??
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        'insufficient_quota',
        'insufficient_quota',
      ),
    };
  const status = spec.status ?? (kind === 'overloaded' ? 503 : 500);
  if (status >= 500)
    return { status, body: errorBody(spec.message ?? SERVER_MESSAGES[status] ?? 'Server error.', 'server_error') };
  return {
    status,
    body: errorBody(spec.message ?? `Request failed with status ${status}.`, 'invalid_request_error'),
  };
}

export const openai: Provider = {
  name: 'openai',
  requestIdHeader: 'x-request-id',

  route(method, path) {
    if (method === 'POST' && path === '/v1/chat/completions') return chatCompletions;
    if (method === 'POST' && path === '/v1/responses') return responses;
    if (method === 'POST' && path === '/v1/images/generations') return imagesGenerations;
    if (method === 'POST' && path === '/v1/embeddings') return embeddings;
    if (method === 'GET' && path === '/v1/models') return models;
    return undefined;
  },

  authenticate(headers) {
    const key = bearer(headers);
    return !key ? 'missing' : key === 'bad-key' ? 'bad' : 'ok';
  },

  authFailure(result, headers) {
    return result === 'missing'
      ? json(
          401,
          errorBody(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            'invalid_request_error',
          ),
        )
      : json(
          401,
          errorBody(
            `Incorrect API key provided: ${bearer(headers)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            'invalid_api_key',
          ),
        );
  },

  failure(spec) {
    const { status, body } = failureBody(spec);
    return json(status, body, retryAfterHeaders(spec.retryAfter === undefined ? undefined : spec.retryAfter * 1000));
  },

  streamError(spec) {
    return { data: JSON.stringify(failureBody(spec).body) };
  },

  rateLimited(decision, model) {
    const { limit, reason } = decision;
    const tokensReason = reason === 'tokens';
    const cap = tokensReason ? limit.tokensPerMinute : limit.requestsPerMinute;
    const wait = decision.retryAfterMs;
    const message =
      wait === undefined
        ? `Request too large for ${model} in organization org-fakeai on tokens per min (TPM): Limit ${cap}. The input or output tokens must be reduced in order to run successfully.`
        : `Rate limit reached for ${model} in organization org-fakeai on ${tokensReason ? 'tokens per min (TPM)' : 'requests per min (RPM)'}: Limit ${cap}, Used ${tokensReason ? decision.usedTokens : decision.usedRequests}. Please try again in ${openAiDuration(wait)}.`;
    return json(429, errorBody(message, tokensReason ? 'tokens' : 'requests', 'rate_limit_exceeded'), {
      ...retryAfterHeaders(wait),
    });
  },

  rateLimitHeaders(decision) {
    const h: Record<string, string> = {};
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = decision.limit;
    const reset = openAiDuration(decision.resetMs);
    if (rpm) {
      h['x-ratelimit-limit-requests'] = String(rpm);
      h['x-ratelimit-remaining-requests'] = String(Math.max(0, rpm - decision.usedRequests));
      h['x-ratelimit-reset-requests'] = reset;
    }
    if (tpm) {
      h['x-ratelimit-limit-tokens'] = String(tpm);
      h['x-ratelimit-remaining-tokens'] = String(Math.max(0, tpm - decision.usedTokens));
      h['x-ratelimit-reset-tokens'] = reset;
    }
    return h;
  },

  invalid(error) {
    return json(error.status, errorBody(error.message, 'invalid_request_error', error.code, error.param));
  },
};
