import type { AiFunction, AiModelKind, AiProvider, PrismaClient } from '../../generated/prisma/client.ts';
import { modelsData } from './data/models.ts';

interface SeedModel {
  provider: AiProvider;
  modelId: string;
  kind: AiModelKind;
  displayName: string;
  /** USD per 1M tokens / per image, as the providers publish them. */
  input?: number;
  output?: number;
  image?: number;
  contextWindow?: number;
  maxOutputTokens?: number;
}

/**
 * The models and list prices the registry starts with (providers' published prices at the time of writing;
 * operators keep them current through the API). Existing rows are never overwritten, so operator edits survive.
 */
export const SEED_MODELS: SeedModel[] = [
  {
    provider: 'openai',
    modelId: 'gpt-4.1',
    kind: 'text',
    displayName: 'GPT-4.1',
    input: 2,
    output: 8,
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
  },
  {
    provider: 'openai',
    modelId: 'gpt-4.1-mini',
    kind: 'text',
    displayName: 'GPT-4.1 mini',
    input: 0.4,
    output: 1.6,
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
  },
  {
    provider: 'openai',
    modelId: 'gpt-4.1-nano',
    kind: 'text',
    displayName: 'GPT-4.1 nano',
    input: 0.1,
    output: 0.4,
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
  },
  {
    provider: 'openai',
    modelId: 'gpt-4o',
    kind: 'text',
    displayName: 'GPT-4o',
    input: 2.5,
    output: 10,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
  },
  {
    provider: 'openai',
    modelId: 'gpt-4o-mini',
    kind: 'text',
    displayName: 'GPT-4o mini',
    input: 0.15,
    output: 0.6,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
  },
  {
    provider: 'openai',
    modelId: 'gpt-5',
    kind: 'text',
    displayName: 'GPT-5',
    input: 1.25,
    output: 10,
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
  },
  {
    provider: 'openai',
    modelId: 'gpt-5-mini',
    kind: 'text',
    displayName: 'GPT-5 mini',
    input: 0.25,
    output: 2,
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
  },
  {
    provider: 'openai',
    modelId: 'gpt-image-1',
    kind: 'image',
    displayName: 'GPT Image 1 (medium, 1024x1024)',
    image: 0.042,
  },
  {
    provider: 'openai',
    modelId: 'dall-e-3',
    kind: 'image',
    displayName: 'DALL-E 3 (standard, 1024x1024)',
    image: 0.04,
  },
  {
    provider: 'openai',
    modelId: 'text-embedding-3-small',
    kind: 'embedding',
    displayName: 'Embedding 3 small',
    input: 0.02,
    contextWindow: 8_191,
  },
  {
    provider: 'openai',
    modelId: 'text-embedding-3-large',
    kind: 'embedding',
    displayName: 'Embedding 3 large',
    input: 0.13,
    contextWindow: 8_191,
  },
  {
    provider: 'anthropic',
    modelId: 'claude-sonnet-4-5',
    kind: 'text',
    displayName: 'Claude Sonnet 4.5',
    input: 3,
    output: 15,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
  },
  {
    provider: 'anthropic',
    modelId: 'claude-haiku-4-5',
    kind: 'text',
    displayName: 'Claude Haiku 4.5',
    input: 1,
    output: 5,
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
  },
  {
    provider: 'anthropic',
    modelId: 'claude-opus-4-1',
    kind: 'text',
    displayName: 'Claude Opus 4.1',
    input: 15,
    output: 75,
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
  },
];

export const SEED_DEFAULTS: Record<AiFunction, string> = {
  auto_cluster: 'gpt-4.1-mini',
  generate_ideas: 'gpt-4.1-mini',
  generate_content: 'gpt-4.1',
  generate_image_prompts: 'gpt-4.1-mini',
  generate_images: 'gpt-image-1',
};

export const usdToMicros = (usd: number) => Math.round(usd * 1_000_000);

/** Inserts missing seed models and function defaults; idempotent, safe to run at every start. */
export async function seedModelRegistry(prisma: PrismaClient): Promise<void> {
  const data = modelsData(prisma);
  await data.createMissing(
    SEED_MODELS.map((m) => ({
      provider: m.provider,
      modelId: m.modelId,
      kind: m.kind,
      displayName: m.displayName,
      inputMicrosPerMTokens: usdToMicros(m.input ?? 0),
      outputMicrosPerMTokens: usdToMicros(m.output ?? 0),
      imageMicros: usdToMicros(m.image ?? 0),
      contextWindow: m.contextWindow ?? 0,
      maxOutputTokens: m.maxOutputTokens ?? 0,
    })),
  );
  const existing = await data.functionsWithDefault();
  for (const [fn, modelId] of Object.entries(SEED_DEFAULTS) as [AiFunction, string][]) {
    if (existing.has(fn)) continue;
    const model = await data.findByModelId('openai', modelId);
    if (model) await data.createDefault(fn, model.id).catch(() => {});
  }
}
