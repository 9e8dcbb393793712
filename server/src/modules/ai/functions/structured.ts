import type { z } from 'zod';
import { z as zod } from 'zod';
import { AiError } from '../errors.ts';
import type { ProviderClient, TextResult, TokenUsage } from '../providers/types.ts';

export interface StructuredCall<T> {
  value: T;
  usage: TokenUsage;
  /** 1, or 2 when the first answer had to be repaired. */
  calls: number;
}

/** JSON Schema of a zod schema as the providers' structured output accepts it. */
export function jsonSchemaFor(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = zod.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

function parse<T>(schema: z.ZodType<T>, result: TextResult): { ok: true; value: T } | { ok: false; problem: string } {
  if (result.text.trim() === '') return { ok: false, problem: 'the answer is empty' };
  let json: unknown;
  try {
    json = JSON.parse(result.text);
  } catch {
    const cut = result.finishReason === 'length' ? ' (the answer was cut off at the output limit)' : '';
    return { ok: false, problem: `the answer is not valid JSON${cut}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problem: parsed.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; '),
  };
}

/**
 * A structured answer: asks for JSON valid against `schema`, validates it, and when it is malformed makes exactly one
 * repair call that shows the model its answer and what is wrong. A second bad answer is a clear failure.
 */
export async function callStructured<T>(
  client: ProviderClient,
  request: {
    model: string;
    system: string;
    prompt: string;
    maxOutputTokens: number;
    name: string;
    signal?: AbortSignal;
  },
  schema: z.ZodType<T>,
  call: (fn: () => Promise<TextResult>) => Promise<TextResult> = (fn) => fn(),
): Promise<StructuredCall<T>> {
  const json = { name: request.name, schema: jsonSchemaFor(schema) };
  const base = {
    model: request.model,
    system: request.system,
    maxOutputTokens: request.maxOutputTokens,
    json,
    ...(request.signal ? { signal: request.signal } : {}),
  };
  const first = await call(() => client.text({ ...base, prompt: request.prompt }));
  const usage = { ...first.usage };
  const checked = parse(schema, first);
  if (checked.ok) return { value: checked.value, usage, calls: 1 };

  const repairPrompt =
    `${request.prompt}\n\nYour previous answer could not be used: ${checked.problem}.\n` +
    `Previous answer:\n${first.text.slice(0, 8_000)}\n\nAnswer again with the complete, corrected structure.`;
  const second = await call(() => client.text({ ...base, prompt: repairPrompt }));
  usage.inputTokens += second.usage.inputTokens;
  usage.outputTokens += second.usage.outputTokens;
  const repaired = parse(schema, second);
  if (repaired.ok) return { value: repaired.value, usage, calls: 2 };
  throw Object.assign(
    new AiError(
      'malformed_output',
      `The model's answer did not have the expected structure, twice (${repaired.problem}). Try again or choose another model.`,
      client.provider,
    ),
    { usage },
  );
}
