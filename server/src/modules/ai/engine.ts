import type { TAiFunction } from '@igny8/shared';
import type { z } from 'zod';
import type { AiModel, PrismaClient } from '../../generated/prisma/client.ts';
import type { CredentialsService, ResolvedCredential } from './credentials-service.ts';
import { aiCallsData } from './data/calls.ts';
import { modelsData } from './data/models.ts';
import { aiRunsData } from './data/runs.ts';
import { createEmbeddings } from './embeddings.ts';
import type { ModelRegistry } from './registry-service.ts';
import { AiError } from './errors.ts';
import { AI_FUNCTION_DEFINITIONS } from './functions/definitions.ts';
import { callStructured } from './functions/structured.ts';
import type { PromptService } from './prompts/service.ts';
import { renderTemplate } from './prompts/template.ts';
import { createProviderClient } from './providers/index.ts';
import type { ProviderClient, ProviderClientOptions, TextResult } from './providers/types.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { costMicros, creditsFor, estimateTokens, type AiUsage, type Pricing } from './pricing.ts';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retry.ts';

// Pricing lives in pricing.ts; its names stay importable from here.
export { costMicros, creditsFor, type AiUsage, type Pricing } from './pricing.ts';

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

/**
 * Runs the AI functions: chooses the model and key, renders the prompt with the language and voice asked for (else
 * the sector's, else the site's), waits for the key's shared rate limit, calls the provider with retries, validates
 * (and once repairs) structured answers, and records every attempt in AiCall. Holding and settling credits is the
 * caller's part (estimate() gives the hold).
 */
export function createAiEngine(deps: AiEngineDeps) {
  const clientFor = deps.clientFor ?? createProviderClient;
  const calls = aiCallsData(deps.prisma);
  const runsData = aiRunsData(deps.prisma);
  const embeddings = createEmbeddings({
    models: modelsData(deps.prisma),
    calls,
    credentials: deps.credentials,
    limiter: deps.limiter,
    pricing: deps.pricing,
    retry: deps.retry,
    clientFor,
  });

  async function context(ctx: AiRunContext) {
    const site = ctx.siteId ? await runsData.findSite(ctx.accountId, ctx.siteId) : null;
    const sector = ctx.sectorId ? await runsData.findSector(ctx.accountId, ctx.sectorId) : null;
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
      deps.registry.modelFor(ctx.accountId, fn),
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

  return {
    ...embeddings,

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
        calls.record({
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
