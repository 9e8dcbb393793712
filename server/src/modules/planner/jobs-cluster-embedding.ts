import type { TClusterRunResult } from '@igny8/shared';
import { CLUSTER_GRANULARITY, MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS } from '@igny8/shared';
import { callAi } from '../ai/jobs.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { EMBEDDING_DEFAULTS, refineWithEmbeddings } from './clustering/embedding.ts';
import { clusterLexically, nameClusters, type LexicalResult } from './clustering/lexical.ts';
import { clusterEmbeddingJob } from './contracts.ts';
import type { PlannerJobDeps } from './jobs.ts';
import { applyLocal, lexicalOptions, loadRun } from './jobs-clusters-apply.ts';

/** Texts per embedding step (the engine sends them in requests of 256). */
export const EMBED_STEP = 2_048;

interface EmbedStepOutput {
  count: number;
  credits: number;
  usage: Record<string, number>;
  demo: boolean;
}

/** planner.cluster_embedding: lexical clusters refined with embeddings, paid for the embeddings not cached yet. */
export function clusterEmbeddingJobDefinition(deps: PlannerJobDeps) {
  return defineJob({
    ...clusterEmbeddingJob,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 60,
    handler: async (ctx, payload): Promise<TClusterRunResult> => {
      await ctx.progress(2, 'Loading keywords');
      const [provider, ...rest] = payload.model.split('/');
      const model = await deps.data.scope.findEmbeddingModel(provider!, rest.join('/'));
      if (!model) {
        throw new PermanentJobError(
          'AI_MODEL_UNAVAILABLE',
          `The embedding model ${payload.model} is no longer available: run the clustering again.`,
        );
      }
      const { language, keywords } = await loadRun(deps, ctx, payload, MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS);
      const texts = [...new Set(keywords.map((k) => k.normalized))];

      // What this run may embed, fixed on its first attempt: the texts not cached then, as far as the held credits
      // cover them (keywords added to the sector after the run started could exceed the hold). A free run (no hold)
      // embeds nothing: keywords without a vector keep their lexical cluster.
      const plan = (await ctx.step('plan embeddings', async () => {
        const uncached = await deps.data.embeddings.uncachedTexts(ctx.accountId, payload.model, texts);
        const held = payload.holdId ? await deps.data.scope.heldCredits(payload.holdId) : 0;
        let fit = 0;
        if (held > 0) {
          // The longest prefix whose estimate the hold covers (the estimate grows with the prefix).
          let lo = 0;
          let hi = uncached.length;
          while (lo < hi) {
            const mid = Math.ceil((lo + hi) / 2);
            if (deps.engine.estimateEmbedding(model, uncached.slice(0, mid)) <= held) lo = mid;
            else hi = mid - 1;
          }
          fit = lo;
        }
        return { cached: texts.length - uncached.length, toEmbed: fit, uncovered: uncached.length - fit };
      })) as { cached: number; toEmbed: number; uncovered: number };

      // Embedding in steps of EMBED_STEP texts. Each step writes its vectors into the cache itself, so a retry after
      // a crash finds them there and pays for nothing twice; the step's record keeps counts and credits only.
      const steps: EmbedStepOutput[] = [];
      const total = Math.ceil(plan.toEmbed / EMBED_STEP);
      let embedded = 0;
      for (let i = 0; embedded < plan.toEmbed; i++) {
        const out = (await ctx.step(
          `embed ${i + 1} of ${total}`,
          async () => {
            const next = (await deps.data.embeddings.uncachedTexts(ctx.accountId, payload.model, texts)).slice(
              0,
              Math.min(EMBED_STEP, plan.toEmbed - embedded),
            );
            if (!next.length) return { count: 0, credits: 0, usage: {}, demo: false };
            return callAi(ctx, async (signal) => {
              const result = await deps.engine.embed(
                {
                  accountId: ctx.accountId,
                  siteId: payload.siteId,
                  sectorId: payload.sectorId,
                  jobRunId: ctx.jobId,
                  signal,
                },
                'auto_cluster',
                model,
                next,
              );
              await deps.data.embeddings.storeVectors(ctx.accountId, payload.model, next, result.vectors);
              return { count: next.length, credits: result.credits, usage: { ...result.usage }, demo: result.demo };
            });
          },
          { progress: Math.round(5 + (75 * (i + 1)) / Math.max(1, total)) },
        )) as EmbedStepOutput;
        steps.push(out);
        // A step that found nothing left (the texts got cached by another run meanwhile) ends the loop.
        if (out.count === 0) break;
        embedded += out.count;
      }

      await ctx.progress(82, `Grouping ${keywords.length} keywords`);
      const vectorsByText = await deps.data.embeddings.loadVectors(ctx.accountId, payload.model, texts);
      const vectors = new Map<string, Float32Array>();
      for (const k of keywords) {
        const v = vectorsByText.get(k.normalized);
        if (v) vectors.set(k.id, v);
      }
      const lexicalGroups = clusterLexically(keywords, lexicalOptions(payload.options, language));
      const threshold = payload.options.embeddingThreshold ?? EMBEDDING_DEFAULTS.threshold;
      const refined = refineWithEmbeddings(lexicalGroups.clusters, keywords, vectors, { threshold });
      const minSize = payload.options.minClusterSize ?? 1;
      // minClusterSize applies to the refined clusters: keywords of smaller groups stay unclustered.
      const grouped: LexicalResult = {
        clusters: nameClusters(
          refined.clusters.filter((c) => c.keywordIds.length >= minSize),
          keywords,
          language,
        ),
        unclustered: [
          ...lexicalGroups.unclustered,
          ...refined.clusters.filter((c) => c.keywordIds.length < minSize).flatMap((c) => c.keywordIds),
        ],
      };

      const credits = steps.reduce((n, o) => n + o.credits, 0);
      const usage: Record<string, number> = {};
      for (const o of steps) for (const [k, v] of Object.entries(o.usage)) usage[k] = (usage[k] ?? 0) + v;
      await ctx.progress(90, `Saving ${grouped.clusters.length} clusters`);
      return applyLocal(deps, ctx, payload, grouped, {
        method: 'embedding',
        demo: steps.some((o) => o.demo),
        granularity: payload.options.granularity ?? CLUSTER_GRANULARITY.default,
        ...(payload.holdId ? { settle: { holdId: payload.holdId, credits, model: payload.model, usage } } : {}),
        embeddings: {
          model: payload.model,
          embedded,
          cached: plan.cached,
          missing: keywords.filter((k) => !vectors.has(k.id)).length,
          mergedClusters: refined.mergedClusters,
          attachedKeywords: refined.attachedSingletons,
          threshold,
        },
      });
    },
    onFailure: deps.releaseHold,
  });
}
