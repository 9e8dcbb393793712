import type { AiModel } from '../../generated/prisma/client.ts';

export interface Pricing {
  /** Credits per US dollar of provider cost (100: one credit is one cent). */
  creditsPerUsd: number;
  /** Multiplier over the provider's price. */
  markup: number;
}

export interface AiUsage {
  inputTokens: number;
  outputTokens: number;
  images: number;
}

/** ~3.5 characters per token for English prose and JSON; the estimate errs on the high side. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 3.5);

export function costMicros(model: AiModel, usage: AiUsage): number {
  return Math.ceil(
    (usage.inputTokens * model.inputMicrosPerMTokens + usage.outputTokens * model.outputMicrosPerMTokens) / 1_000_000 +
      usage.images * model.imageMicros,
  );
}

export function creditsFor(micros: number, pricing: Pricing): number {
  return micros <= 0 ? 0 : Math.max(1, Math.ceil((micros / 1_000_000) * pricing.creditsPerUsd * pricing.markup));
}
