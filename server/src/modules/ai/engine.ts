import type { TAiFunction } from '@igny8/shared';
import type { z } from 'zod';
import type { AiModel, PrismaClient } from '../../generated/prisma/client.ts';
import type { CredentialsService, ResolvedCredential } from './credentials-service.ts';
import type { ModelRegistry } from './registry-service.ts';
import { AiError } from './errors.ts';
import { AI_FUNCTION_DEFINITIONS } from './functions/definitions.ts';
import { callStructured } from './functions/structured.ts';
import type { PromptService } from './prompts/service.ts';
import { renderTemplate } from './prompts/template.ts';
import { createProviderClient } from './providers/index.ts';
import type { ProviderClient, ProviderClientOptions, TextResult } from './providers/types.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry.ts';

export interface Pricing {
  /** Credits per US dollar of provider cost (100: one credit is one cent). */
  creditsPerUsd: number;
  /** Multiplier over the provider's price. */
  markup: number;
}

export interface AiEngineDeps {
  prisma: PrismaClient;
  registry: ModelRegistry;
  credentials: CredentialsService;
  prompts: PromptService;
  limiter: RateLimiter;
  pricing: Pricing;
  retry?: RetryPolicy;
  clientFor?: (provider: AiModel['provider'], options: ProviderClientOptions) => ProviderClient;
}

export interface AiRunContext {
  accountId: string;
  siteId?: string | null;
  sectorId?: string | null;
  jobRunId?: string | null;
  signal?: AbortSignal;
  /** The language (BCP 47) and voice to write in, when the work asks for its own (a Writer task's override). */
  language?: string | null;
  voice?: string | null;
}

export interface AiUsage {
  inputTokens: number;
  outputTokens: number;
  images: number;
}

export interface AiEstimate {
  model: { provider: AiModel['provider']; modelId: string };
  inputTokens: number;
  maxOutputTokens: number;
  /** The most this run can cost: the hold to place before it starts. */
  credits: number;
}

export interface AiRunResult<T> {
  output: T;
  usage: AiUsage;
  costMicros: number;
  /** What the run cost, never more than the estimate. */
  credits: number;
  model: string;
  /** Made by the demo endpoint (AI_DEMO_BASE_URL), not a real model. */
  demo: boolean;
}

/** ~3.5 characters per token for English prose and JSON; the estimate errs on the high side. */
const estimateTokens = (text: string) => Math.ceil(text.length / 3.5);

export function costMicros(model: AiModel, usage: AiUsage): number {
  return Math.ceil(
    (usage.inputTokens * model.inputMicrosPerMTokens + usage.outputTokens * model.outputMicrosPerMTokens) / 1_000_000 +
      usage.images * model.imageMicros,
  );
}

export function creditsFor(micros: number, pricing: Pricing): number {
  return micros <= 0 ? 0 : Math.max(1, Math.ceil((micros / 1_000_000) * pricing.creditsPerUsd * pricing.markup));
}

/**
 * Runs the AI functions: chooses the model and key, renders the prompt with the language and voice asked for (else
 * the sector's, else the site's), waits for the key's shared rate limit, calls the provider with retries, validates
 * (and once repairs) structured answers, and records every attempt in AiCall. Holding and settling credits is the
 * caller's part (estimate() gives the hold).
 */
export function createAiEngine(deps: AiEngineDeps) {
  const clientFor = deps.clientFor ?? createProviderClient;

  async function context(ctx: AiRunContext) {
    const site = ctx.siteId
      ? await deps.prisma.site.findFirst({ where: { id: ctx.siteId, accountId: ctx.accountId } })
      : null;
    const sector = ctx.sectorId
      ? await deps.prisma.sector.findFirst({ where: { id: ctx.sectorId, accountId: ctx.accountId } })
      : null;
    return {
      language: ctx.language || sector?.language || site?.language || 'en',
      voice: ctx.voice || sector?.voice || site?.voice || 'clear, friendly and expert',
      site_name: site?.name ?? 'the site',
      sector_name: sector?.name ?? 'general',
    };
  }

  async function prepare(ctx: AiRunContext, fn: TAiFunction, rawInput: unknown) {
    const def = AI_FUNCTION_DEFINITIONS[fn];
    const parsed = def.input.safeParse(rawInput);
    if (!parsed.success) {
      throw new AiError(
        'invalid_request',
        `The input for ${fn} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        'engine',
      );
    }
    const input = parsed.data as never;
    // Independent lookups: one round trip of latency instead of three.
    const [model, prompt, site] = await Promise.all([
      deps.registry.defaultFor(fn),
      deps.prompts.effective(ctx.accountId, fn),
      context(ctx),
    ]);
    const values = { ...site, ...def.variables(input) };
    const rendered = renderTemplate(prompt.template, values);
    const system = def.system ? `${def.system} Write in ${values.language}.` : '';
    const maxOutputTokens = def.maxOutputTokens(input);
    const inputTokens = estimateTokens(system + rendered) + 200;
    // A structured call may need one repair call, which resends the prompt plus the first answer.
    const worst: AiUsage =
      def.kind === 'image'
        ? { inputTokens: 0, outputTokens: 0, images: 1 }
        : { inputTokens: inputTokens * 2 + maxOutputTokens, outputTokens: maxOutputTokens * 2, images: 0 };
    return {
      def,
      input,
      model,
      system,
      prompt: rendered,
      maxOutputTokens,
      inputTokens,
      worstCredits: creditsFor(costMicros(model, worst), deps.pricing),
    };
  }

  /** Texts per embeddings request (the providers accept up to 2,048; smaller requests retry cheaper). */
  const EMBED_BATCH = 256;

  return {
    /**
     * The embedding model for an account, when one is configured: the cheapest active embedding model whose
     * provider has a key the account may use (its own or a global one), or any when the demo endpoint is set.
     * Null when there is none: callers then work without embeddings.
     */
    async embeddingModel(accountId: string): Promise<AiModel | null> {
      const models = await deps.prisma.aiModel.findMany({
        where: { kind: 'embedding', active: true },
        orderBy: [{ inputMicrosPerMTokens: 'asc' }, { modelId: 'asc' }],
      });
      for (const model of models) {
        const usable = await deps.credentials.resolve(accountId, model.provider).then(
          () => true,
          () => false,
        );
        if (usable) return model;
      }
      return null;
    },

    /** The most embedding these texts can cost, in credits (the hold). */
    estimateEmbedding(model: AiModel, texts: string[]): number {
      const tokens = texts.reduce((sum, t) => sum + estimateTokens(t) + 2, 0);
      return creditsFor(costMicros(model, { inputTokens: tokens, outputTokens: 0, images: 0 }), deps.pricing);
    },

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
      const client = clientFor(model.provider, {
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
              deps.prisma.aiCall.create({
                data: {
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
                },
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
        credits: Math.min(creditsFor(micros, deps.pricing), this.estimateEmbedding(model, texts)),
        model: `${model.provider}/${model.modelId}`,
        demo: credential.demo,
      };
    },

    async estimate(ctx: AiRunContext, fn: TAiFunction, rawInput: unknown): Promise<AiEstimate> {
      const p = await prepare(ctx, fn, rawInput);
      return {
        model: { provider: p.model.provider, modelId: p.model.modelId },
        inputTokens: p.inputTokens,
        maxOutputTokens: p.maxOutputTokens,
        credits: p.worstCredits,
      };
    },

    async run<T = unknown>(ctx: AiRunContext, fn: TAiFunction, rawInput: unknown): Promise<AiRunResult<T>> {
      const p = await prepare(ctx, fn, rawInput);
      const credential: ResolvedCredential = await deps.credentials.resolve(ctx.accountId, p.model.provider);
      const client = clientFor(p.model.provider, {
        apiKey: credential.apiKey,
        baseUrl: credential.baseUrl,
        outbound: credential.outbound,
      });
      let attemptNo = 0;

      const record = (status: string, started: number, usage: AiUsage, errorCode?: string) =>
        deps.prisma.aiCall.create({
          data: {
            accountId: ctx.accountId,
            siteId: ctx.siteId ?? null,
            jobRunId: ctx.jobRunId ?? null,
            function: fn,
            provider: p.model.provider,
            model: p.model.modelId,
            attempt: attemptNo,
            status,
            inputTokens: usage.inputTokens,
            outputTokens: usage.outputTokens,
            images: usage.images,
            costMicros: costMicros(p.model, usage),
            latencyMs: Math.round(performance.now() - started),
            errorCode: errorCode ?? null,
          },
        });

      /** One provider request with retries; each attempt waits for the key's rate limit and is recorded. */
      const attempt = <R>(send: () => Promise<R>, usageOf: (r: R) => AiUsage, estimated: number): Promise<R> =>
        withRetries(
          async () => {
            attemptNo++;
            const window = await deps.limiter.acquire(credential, estimated, ctx.signal);
            const started = performance.now();
            try {
              const result = await send();
              const usage = usageOf(result);
              await deps.limiter.settle(credential, window, estimated, usage.inputTokens + usage.outputTokens);
              await record('ok', started, usage);
              return result;
            } catch (error) {
              const aiError =
                error instanceof AiError ? error : new AiError('network', String(error), p.model.provider);
              await record('error', started, { inputTokens: 0, outputTokens: 0, images: 0 }, aiError.kind);
              throw aiError;
            }
          },
          { policy: deps.retry ?? DEFAULT_RETRY, ...(ctx.signal ? { signal: ctx.signal } : {}) },
        );

      let output: unknown;
      let usage: AiUsage;
      if (p.def.kind === 'image') {
        const image = await attempt(
          () =>
            client.image({
              model: p.model.modelId,
              prompt: p.prompt,
              size: '1024x1024',
              ...(ctx.signal ? { signal: ctx.signal } : {}),
            }),
          () => ({ inputTokens: 0, outputTokens: 0, images: 1 }),
          0,
        );
        output = image.png;
        usage = { inputTokens: 0, outputTokens: 0, images: 1 };
      } else {
        const structured = await callStructured(
          client,
          {
            model: p.model.modelId,
            system: p.system,
            prompt: p.prompt,
            maxOutputTokens: p.maxOutputTokens,
            name: fn,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          },
          p.def.output as unknown as z.ZodType<unknown>,
          (send) => attempt<TextResult>(send, (r) => ({ ...r.usage, images: 0 }), p.inputTokens + p.maxOutputTokens),
        );
        output = structured.value;
        usage = { ...structured.usage, images: 0 };
      }
      const micros = costMicros(p.model, usage);
      return {
        output: output as T,
        usage,
        costMicros: micros,
        credits: Math.min(creditsFor(micros, deps.pricing), p.worstCredits),
        model: `${p.model.provider}/${p.model.modelId}`,
        demo: credential.demo,
      };
    },
  };
}

export type AiEngine = ReturnType<typeof createAiEngine>;
