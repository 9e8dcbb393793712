import { findJsonExample, isObj, type JsonSchema, SchemaInstanceGenerator, schemaFromExample } from './schema.ts';
import { extractKeywords, requestedWords, Rng, sha256, Writer } from './words.ts';

export type { JsonSchema } from './schema.ts';

/**
 * The fake model, shared by both providers: from a conversation flattened to text and an output mode it produces
 * plain text, JSON valid against a JSON schema (structured outputs, tool arguments) and token counts. Everything is
 * seeded from a hash of the request, so the same request always gets the same answer, and words from the prompt are
 * woven in so assertions can look for them.
 */

/** A conversation flattened to text, whatever the provider's wire format. */
export interface Conversation {
  /** System / developer instructions. */
  system: string;
  /** Every message in order, content flattened to text (tool calls and results included). */
  turns: { role: string; text: string }[];
  /** Text of the last user message that carried text (not a bare tool result). */
  lastUserText: string;
  /** The conversation ends with a tool result: under tool_choice auto the model answers instead of calling again. */
  endsWithToolResult: boolean;
  /** A trailing assistant message (Anthropic prefill): the answer continues it. */
  prefill: string;
}

export type OutputMode =
  | { kind: 'text' }
  /** JSON text; without a schema the shape comes from a JSON example in the prompt, if any. */
  | { kind: 'json'; schema?: JsonSchema }
  /** Arguments of a call to the named tool, valid against its parameters schema. */
  | { kind: 'tool'; name: string; schema: JsonSchema };

export interface Completion {
  /** The text (or JSON text, or tool arguments JSON) to send, after truncation / malformation. */
  text: string;
  /** The generated value for json/tool modes, before any truncation or malformation. */
  value: unknown;
  /** Cut at max tokens (finish_reason 'length' / stop_reason 'max_tokens'). */
  truncated: boolean;
  outputTokens: number;
  /** Seed of this completion, for ids derived from it. */
  seed: string;
}

/** Token estimate the fake uses everywhere: ~4 characters per token, as OpenAI's rule of thumb. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Whether a plain text request asks for JSON anyway ("Respond with JSON only", a `{` prefill). */
export function wantsJson(conv: Conversation): boolean {
  if (/^\s*[[{]/.test(conv.prefill)) return true;
  const text = `${conv.system}\n${conv.lastUserText}`;
  const asksForJson = /\b(?:respond|reply|answer|return|output|format|give)\w*\b[^.\n]{0,60}\bjson\b/i;
  return asksForJson.test(text) || /\bjson\s+(?:only|object|array)\b/i.test(text);
}

const GENERIC_JSON_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    summary: { type: 'string' },
    keywords: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 5 },
  },
  required: ['title', 'summary', 'keywords'],
};

export interface CompleteOptions {
  maxTokens?: number;
  /** Answer with syntactically broken JSON (json/tool modes only). */
  malformed?: boolean;
  /** Distinguishes several choices (n > 1) of one request. */
  variant?: number;
  /** Appended to every string field whose name contains "html" (json/tool modes only): the plantHtml knob. */
  plantHtml?: string;
}

/** Appends `text` to every string value under a key containing "html", at any depth. */
export function plantInHtml(value: unknown, text: string): unknown {
  if (Array.isArray(value)) return value.map((v) => plantInHtml(v, text));
  if (!isObj(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      typeof v === 'string' && /html/i.test(k) ? v + text : plantInHtml(v, text),
    ]),
  );
}

/** The model: same conversation and mode give the same completion. */
export function complete(conv: Conversation, mode: OutputMode, options: CompleteOptions = {}): Completion {
  const seed = JSON.stringify([conv.system, conv.turns, mode, options.variant ?? 0]);
  const rng = new Rng(seed);
  const promptText = `${conv.lastUserText}\n${conv.system}`;
  const writer = new Writer(rng, promptText);
  const words = requestedWords(conv.lastUserText) ?? requestedWords(conv.system);
  let text: string;
  let value: unknown;
  if (mode.kind === 'text') {
    text = conv.endsWithToolResult ? writer.paragraph(3) : writer.markdown(words ?? 150);
    // Without a length asked for, the answer is sized to fit max tokens (an explicit "N words" that does not fit is
    // cut off, as a real model would be).
    const max = words === undefined && !conv.endsWithToolResult ? options.maxTokens : undefined;
    for (let target = 150; max !== undefined && estimateTokens(text) > max;) {
      target = Math.floor((target * max * 0.9) / estimateTokens(text));
      if (target < 1) break;
      text = new Writer(new Rng(seed), promptText).markdown(target);
    }
  } else {
    let schema: JsonSchema | undefined = mode.schema;
    if (schema === undefined) {
      const example = findJsonExample(`${conv.system}\n${conv.turns.map((t) => t.text).join('\n')}`);
      // A prompt may show a JSON Schema rather than an example of the answer.
      const isSchema =
        isObj(example) && ('$schema' in example || (example.type === 'object' && isObj(example.properties)));
      schema = isSchema ? example : example !== undefined ? schemaFromExample(example) : GENERIC_JSON_SCHEMA;
    }
    value = new SchemaInstanceGenerator(writer, schema, words ?? 300).generate();
    if (options.plantHtml !== undefined) value = plantInHtml(value, options.plantHtml);
    text = JSON.stringify(value);
    if (mode.kind === 'json' && conv.prefill && text.startsWith(conv.prefill.trim()))
      text = text.slice(conv.prefill.trim().length);
    if (options.malformed) text = text.slice(0, Math.max(1, Math.floor(text.length * 0.6)));
  }
  let truncated = false;
  if (options.maxTokens !== undefined && estimateTokens(text) > options.maxTokens) {
    text = text.slice(0, Math.max(0, options.maxTokens * 4));
    truncated = true;
  }
  return { text, value, truncated, outputTokens: Math.max(1, estimateTokens(text)), seed };
}

/** Splits text into stream deltas of a word or two (spaces kept), like real token streams. */
export function streamPieces(text: string, wordsPerPiece = 2): string[] {
  const parts = text.match(/\s*\S+/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += wordsPerPiece) out.push(parts.slice(i, i + wordsPerPiece).join(''));
  const rest = text.slice(out.join('').length);
  if (rest) out.push(rest);
  return out.length ? out : [text];
}

/** Splits JSON text into fixed-size deltas (tool arguments stream as arbitrary fragments). */
export function jsonPieces(text: string, size = 24): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

/** Stable id fragment derived from a seed (tool call ids: same request, same id). */
export function idFrom(seed: string, length = 24): string {
  return sha256(`id:${seed}`).toString('hex').slice(0, length);
}

/**
 * Prompt tokens as the fake charges them: ~chars/4 of every input text (system, messages, tool and response schemas)
 * plus the few tokens of per-message framing real tokenizers add, and a flat cost per attached image.
 */
export function promptTokens(conv: Conversation, extra = '', images = 0): number {
  const text = [conv.system, ...conv.turns.map((t) => t.text), extra].join('\n');
  return estimateTokens(text) + 3 * (conv.turns.length + (conv.system ? 1 : 0)) + 3 + images * 85;
}

/** The tool whose name and description share the most words with the prompt (ties: the first listed). */
export function bestTool<T extends { name: string; description?: string }>(tools: T[], conv: Conversation): T {
  const prompt = new Set(extractKeywords(`${conv.lastUserText} ${conv.system}`, 200));
  let best = tools[0]!;
  let bestScore = -1;
  for (const tool of tools) {
    const score = extractKeywords(`${tool.name.replace(/[_-]/g, ' ')} ${tool.description ?? ''}`, 200).filter((w) =>
      prompt.has(w),
    ).length;
    if (score > bestScore) [best, bestScore] = [tool, score];
  }
  return best;
}

/** Drops the second half of an object's keys: the "broken" tool input of providers whose input is an object. */
export function partialObject(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const entries = Object.entries(value);
  return Object.fromEntries(entries.slice(0, Math.floor(entries.length / 2)));
}
