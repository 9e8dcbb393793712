import type { TAiFunction } from '@igny8/shared';
import type { AiModel } from '../../generated/prisma/client.ts';
import type { CredentialsService } from './credentials-service.ts';
import type { AiCallsData } from './data/calls.ts';
import type { ModelsData } from './data/models.ts';
import type { AiRunContext } from './engine.ts';
import { AiError } from './errors.ts';
import { costMicros, creditsFor, estimateTokens, type AiUsage, type Pricing } from './pricing.ts';
import type { ProviderClient, ProviderClientOptions } from './providers/types.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry.ts';

export interface EmbeddingsDeps {
  models: ModelsData;
  calls: AiCallsData;
  credentials: CredentialsService;
  limiter: RateLimiter;
  pricing: Pricing;
  retry?: RetryPolicy | undefined;
  clientFor: (provider: AiModel['provider'], options: ProviderClientOptions) => ProviderClient;
}

/** Texts per embeddings request (the providers accept up to 2,048; smaller requests retry cheaper). */
const EMBED_BATCH = 256;

/** The engine's embeddings: which model an account can use, what embedding costs, and embedding itself. */
export function createEmbeddings(deps: EmbeddingsDeps) {
  /** The most embedding these texts can cost, in credits (the hold). */
  function estimateEmbedding(model: AiModel, texts: string[]): number {
    const tokens = texts.reduce((sum, t) => sum + estimateTokens(t) + 2, 0);
    return creditsFor(costMicros(model, { inputTokens: tokens, outputTokens: 0, images: 0 }), deps.pricing);
  }

  return {
    /**
     * The embedding model for an account, when one is configured: the cheapest active embedding model whose
     * provider has a key the account may use (its own or a global one), or any when the demo endpoint is set.
     * Null when there is none: callers then work without embeddings.
     */
    async embeddingModel(accountId: string): Promise<AiModel | null> {
      const models = await deps.models.embeddingModels();
      for (const model of models) {
        const usable = await deps.credentials.resolve(accountId, model.provider).then(
          () => true,
          () => false,
        );
        if (usable) return model;
      }
      return null;
    },

    estimateEmbedding,

    /**
     * Embeds texts in batches, each request rate-limited, retried and recorded like every other call (in AiCall
     * under the function that asked for it).
     */
    async embed(
      ctx: AiRunContext,
      fn: TAiFunction,
      model: AiModel,
      texts: string[],
    ): Promise<{
      vectors: number[][];
      usage: AiUsage;
      costMicros: number;
      credits: number;
      model: string;
      demo: boolean;
    }> {
      const credential = await deps.credentials.resolve(ctx.accountId, model.provider);
      const client = deps.clientFor(model.provider, {
        apiKey: credential.apiKey,
        baseUrl: credential.baseUrl,
        outbound: credential.outbound,
      });
      const vectors: number[][] = [];
      let inputTokens = 0;
      let attemptNo = 0;
      for (let i = 0; i < texts.length; i += EMBED_BATCH) {
        const batch = texts.slice(i, i + EMBED_BATCH);
        const estimated = batch.reduce((sum, t) => sum + estimateTokens(t) + 2, 0);
        const result = await withRetries(
          async () => {
            attemptNo++;
            const window = await deps.limiter.acquire(credential, estimated, ctx.signal);
            const started = performance.now();
            const record = (status: string, tokens: number, errorCode?: string) =>
              deps.calls.record({
                accountId: ctx.accountId,
                siteId: ctx.siteId ?? null,
                jobRunId: ctx.jobRunId ?? null,
                function: fn,
                provider: model.provider,
                model: model.modelId,
                attempt: attemptNo,
                status,
                inputTokens: tokens,
                costMicros: costMicros(model, { inputTokens: tokens, outputTokens: 0, images: 0 }),
                latencyMs: Math.round(performance.now() - started),
                errorCode: errorCode ?? null,
              });
            try {
              const r = await client.embed({
                model: model.modelId,
                input: batch,
                ...(ctx.signal ? { signal: ctx.signal } : {}),
              });
              if (r.vectors.length !== batch.length)
                throw new AiError(
                  'malformed_output',
                  `${model.provider} returned ${r.vectors.length} embeddings for ${batch.length} texts.`,
                  model.provider,
                );
              await deps.limiter.settle(credential, window, estimated, r.usage.inputTokens);
              await record('ok', r.usage.inputTokens);
              return r;
            } catch (error) {
              const aiError = error instanceof AiError ? error : new AiError('network', String(error), model.provider);
              await record('error', 0, aiError.kind);
              throw aiError;
            }
          },
          { policy: deps.retry ?? DEFAULT_RETRY, ...(ctx.signal ? { signal: ctx.signal } : {}) },
        );
        vectors.push(...result.vectors);
        inputTokens += result.usage.inputTokens;
      }
      const usage = { inputTokens, outputTokens: 0, images: 0 };
      const micros = costMicros(model, usage);
      return {
        vectors,
        usage,
        costMicros: micros,
        credits: Math.min(creditsFor(micros, deps.pricing), estimateEmbedding(model, texts)),
        model: `${model.provider}/${model.modelId}`,
        demo: credential.demo,
      };
    },
  };
}
