import type { TClusterRunOptions, TClusterRunResult } from '@igny8/shared';
import { CLUSTER_GRANULARITY, MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS, ZClusterRunOptions } from '@igny8/shared';
import { z } from 'zod';
import { callAi, releaseJobHold } from '../ai/jobs.ts';
import type { JobContext, StoredStep } from '../../jobs/context.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import type { AiModel, Prisma } from '../../generated/prisma/client.ts';
import { EMBEDDING_DEFAULTS, refineWithEmbeddings } from './clustering/embedding.ts';
import { loadVectors, storeVectors, uncachedTexts } from './clustering/embedding-cache.ts';
import { clusterLexically, nameClusters, type LexicalOptions, type LexicalResult } from './clustering/lexical.ts';
import {
  CLUSTER_AI_JOB,
  CLUSTER_EMBEDDING_JOB,
  CLUSTER_LEXICAL_JOB,
  writeClusters,
  type NewCluster,
} from './clusters-service.ts';
import type { PlannerJobDeps } from './deps.ts';
import { normalizeKeyword } from './normalize.ts';

/** Writing 100,000 keywords' clusters takes seconds, far over Prisma's 5 s default for a transaction. */
const APPLY_TX = { maxWait: 30_000, timeout: 10 * 60_000 };

/**
 * Like ctx.transactionalStep (the writes and the step's record commit together, so a retry never writes twice), with
 * a transaction timeout long enough for big sectors. It must be the job's last step: the step is appended in SQL, so
 * a later ctx.step would write back the context's older list of steps.
 */
async function finalStep<T extends Prisma.InputJsonValue>(
  ctx: JobContext,
  name: string,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  await ctx.throwIfCancelled();
  return ctx.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ steps: StoredStep[] }[]>`
      SELECT steps FROM "JobRun" WHERE id = ${ctx.jobId}::uuid FOR UPDATE`;
    const done = row?.steps.find((s) => s.name === name);
    if (done) return done.output as T;
    const output = await fn(tx);
    const stored: StoredStep = { name, status: 'done', at: new Date().toISOString(), output };
    await tx.$executeRaw`
      UPDATE "JobRun" SET steps = steps || ${JSON.stringify([stored])}::jsonb, "currentStep" = ${name}, progress = 100
      WHERE id = ${ctx.jobId}::uuid`;
    return output;
  }, APPLY_TX);
}

const ZLexicalPayload = z.object({
  siteId: z.uuid(),
  sectorId: z.uuid(),
  /** Null: the sector's unclustered keywords with status new, as they are when the job runs. */
  keywordIds: z.array(z.uuid()).nullable(),
  options: ZClusterRunOptions,
});

const ZAiPayload = z.object({
  siteId: z.uuid(),
  sectorId: z.uuid(),
  holdId: z.uuid(),
  maxClusters: z.number().int().min(1).max(100),
  /** Keyword ids per auto_cluster call, fixed when the run started (the hold was estimated on them). */
  batches: z.array(z.array(z.uuid()).min(1)).min(1),
});

const ZEmbeddingPayload = ZLexicalPayload.extend({
  /** Null: every keyword was cached when the run started, nothing was held. */
  holdId: z.uuid().nullable(),
  /** The embedding model chosen when the run started, "provider/modelId" (the cache key). */
  model: z.string().min(3),
});

/** Texts per embedding step (the engine sends them in requests of 256). */
export const EMBED_STEP = 2_048;

interface EmbedStepOutput {
  count: number;
  credits: number;
  usage: Record<string, number>;
  demo: boolean;
}

function lexicalOptions(options: TClusterRunOptions, language: string): LexicalOptions {
  return {
    language,
    granularity: options.granularity ?? CLUSTER_GRANULARITY.default,
    ...(options.minClusterSize !== undefined ? { minClusterSize: options.minClusterSize } : {}),
  };
}

interface BatchOutput {
  clusters: { name: string; keywords: string[] }[];
  /** Keyword ids of the batch that were sent (those still in the sector), with their texts. */
  sent: { id: string; normalized: string }[];
  credits: number;
  model: string;
  usage: Record<string, number>;
  demo: boolean;
}

export function plannerClustersJobs(deps: PlannerJobDeps): JobDefinition[] {
  /** The run's sector (its language) and keywords: the given ones, or the sector's unclustered new keywords. */
  async function loadRun(ctx: JobContext, payload: z.infer<typeof ZLexicalPayload>, limit?: number) {
    const sector = await deps.prisma.sector.findFirst({
      where: { id: payload.sectorId, accountId: ctx.accountId },
      include: { site: { select: { language: true } } },
    });
    if (!sector) throw new PermanentJobError('NOT_FOUND', `Sector ${payload.sectorId} no longer exists.`);
    const keywords = await deps.prisma.keyword.findMany({
      where: {
        sectorId: payload.sectorId,
        accountId: ctx.accountId,
        ...(payload.keywordIds ? { id: { in: payload.keywordIds } } : { clusterId: null, status: 'new' }),
      },
      orderBy: [{ volume: { sort: 'desc', nulls: 'last' } }, { normalized: 'asc' }, { id: 'asc' }],
      select: { id: true, keyword: true, normalized: true, volume: true },
      ...(limit ? { take: limit } : {}),
    });
    return { language: sector.language ?? sector.site.language, keywords };
  }

  /**
   * The last step of the local methods: writes the clusters (named after their head term, the phrase their keywords
   * share) in one transaction and, for a paid run, settles its hold in that same transaction.
   */
  function applyLocal(
    ctx: JobContext,
    payload: { siteId: string; sectorId: string; keywordIds: string[] | null },
    grouped: LexicalResult,
    run: {
      method: 'lexical' | 'embedding';
      demo: boolean;
      granularity: number;
      settle?: { holdId: string; credits: number; model: string; usage: Record<string, number> };
      embeddings?: TClusterRunResult['embeddings'];
    },
  ): Promise<TClusterRunResult> {
    return finalStep(ctx, run.settle ? 'apply and settle' : 'apply', async (tx) => {
      const applied = await writeClusters(
        tx,
        { accountId: ctx.accountId, siteId: payload.siteId, sectorId: payload.sectorId },
        grouped.clusters.map((c) => ({ name: c.name, keywordIds: c.keywordIds })),
        { method: run.method, demo: run.demo, onlyUnclustered: payload.keywordIds === null },
      );
      if (run.settle) {
        await deps.billing.settle(
          run.settle.holdId,
          { captured: run.settle.credits, model: run.settle.model, usage: run.settle.usage },
          tx,
        );
      }
      return {
        method: run.method,
        clusterCount: applied.clusterIds.length,
        clusteredKeywords: applied.clustered,
        unclusteredKeywords: grouped.unclustered.length,
        inventedKeywords: [],
        skippedKeywords: applied.skipped,
        cannibalizing: applied.cannibalizing,
        credits: run.settle?.credits ?? 0,
        demo: run.demo,
        granularity: run.granularity,
        ...(run.embeddings ? { embeddings: run.embeddings } : {}),
      } satisfies TClusterRunResult;
    });
  }

  const lexical = defineJob({
    type: CLUSTER_LEXICAL_JOB,
    payload: ZLexicalPayload,
    retryLimit: 3,
    heartbeatSeconds: 60,
    handler: async (ctx, payload): Promise<TClusterRunResult> => {
      await ctx.progress(5, 'Loading keywords');
      const { language, keywords } = await loadRun(ctx, payload);
      await ctx.progress(20, `Grouping ${keywords.length} keywords`);
      const grouped = clusterLexically(keywords, lexicalOptions(payload.options, language));
      await ctx.progress(60, `Saving ${grouped.clusters.length} clusters`);
      return applyLocal(ctx, payload, grouped, {
        method: 'lexical',
        demo: false,
        granularity: payload.options.granularity ?? CLUSTER_GRANULARITY.default,
      });
    },
  });

  const embedding = defineJob({
    type: CLUSTER_EMBEDDING_JOB,
    payload: ZEmbeddingPayload,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 60,
    handler: async (ctx, payload): Promise<TClusterRunResult> => {
      await ctx.progress(2, 'Loading keywords');
      const [provider, ...rest] = payload.model.split('/');
      const model = await deps.prisma.aiModel.findFirst({
        where: { provider: provider as AiModel['provider'], modelId: rest.join('/'), kind: 'embedding' },
      });
      if (!model) {
        throw new PermanentJobError(
          'AI_MODEL_UNAVAILABLE',
          `The embedding model ${payload.model} is no longer available: run the clustering again.`,
        );
      }
      const { language, keywords } = await loadRun(ctx, payload, MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS);
      const texts = [...new Set(keywords.map((k) => k.normalized))];

      // What this run may embed, fixed on its first attempt: the texts not cached then, as far as the held credits
      // cover them (keywords added to the sector after the run started could exceed the hold). A free run (no hold)
      // embeds nothing: keywords without a vector keep their lexical cluster.
      const plan = (await ctx.step('plan embeddings', async () => {
        const uncached = await uncachedTexts(deps.prisma, ctx.accountId, payload.model, texts);
        const held = payload.holdId
          ? ((await deps.prisma.creditHold.findUnique({ where: { id: payload.holdId } }))?.amount ?? 0)
          : 0;
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
            const next = (await uncachedTexts(deps.prisma, ctx.accountId, payload.model, texts)).slice(
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
              await storeVectors(deps.prisma, ctx.accountId, payload.model, next, result.vectors);
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
      const vectorsByText = await loadVectors(deps.prisma, ctx.accountId, payload.model, texts);
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
      return applyLocal(ctx, payload, grouped, {
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
    onFailure: releaseJobHold(deps),
  });

  const ai = defineJob({
    type: CLUSTER_AI_JOB,
    payload: ZAiPayload,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, payload): Promise<TClusterRunResult> => {
      const outputs: BatchOutput[] = [];
      const total = payload.batches.length;
      for (const [i, ids] of payload.batches.entries()) {
        // One step per call: a retry after a crash does not call (and pay for) finished batches again.
        const out = await ctx.step(
          `batch ${i + 1} of ${total}`,
          async () => {
            const rows = await deps.prisma.keyword.findMany({
              where: { id: { in: ids }, sectorId: payload.sectorId, accountId: ctx.accountId },
              select: { id: true, keyword: true, normalized: true },
            });
            // In the batch's order (related keywords next to each other), whatever order the database returns.
            const order = new Map(ids.map((id, n) => [id, n]));
            rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
            const sent = rows.map((r) => ({ id: r.id, normalized: r.normalized }));
            if (rows.length < 2) {
              return { clusters: [], sent, credits: 0, model: '', usage: {}, demo: false } as Prisma.InputJsonValue;
            }
            return callAi(ctx, async (signal) => {
              const result = await deps.engine.run<{ clusters: { name: string; keywords: string[] }[] }>(
                {
                  accountId: ctx.accountId,
                  siteId: payload.siteId,
                  sectorId: payload.sectorId,
                  jobRunId: ctx.jobId,
                  signal,
                },
                'auto_cluster',
                { keywords: rows.map((r) => r.keyword), maxClusters: payload.maxClusters },
              );
              return {
                clusters: result.output.clusters,
                sent,
                credits: result.credits,
                model: result.model,
                usage: { ...result.usage },
                demo: result.demo,
              } as Prisma.InputJsonValue;
            });
          },
          { progress: Math.round(5 + (85 * (i + 1)) / total) },
        );
        outputs.push(out as unknown as BatchOutput);
      }

      const { clusters, invented, dropped } = matchAiClusters(outputs);
      const credits = outputs.reduce((n, o) => n + o.credits, 0);
      const usage: Record<string, number> = {};
      for (const o of outputs) for (const [k, v] of Object.entries(o.usage)) usage[k] = (usage[k] ?? 0) + v;
      const model = outputs.find((o) => o.model)?.model ?? '';
      const demo = outputs.some((o) => o.demo);
      // Clusters and the settlement commit together: the run is charged once, and only when its clusters exist.
      return finalStep(ctx, 'apply and settle', async (tx) => {
        const applied = await writeClusters(
          tx,
          { accountId: ctx.accountId, siteId: payload.siteId, sectorId: payload.sectorId },
          clusters,
          { method: 'ai', demo, onlyUnclustered: false },
        );
        await deps.billing.settle(payload.holdId, { captured: credits, model, usage }, tx);
        return {
          method: 'ai',
          clusterCount: applied.clusterIds.length,
          clusteredKeywords: applied.clustered,
          unclusteredKeywords: dropped,
          inventedKeywords: invented.slice(0, 100),
          skippedKeywords: applied.skipped,
          cannibalizing: applied.cannibalizing,
          credits,
          demo,
        } satisfies TClusterRunResult;
      });
    },
    onFailure: releaseJobHold(deps),
  });

  return [lexical as unknown as JobDefinition, ai as unknown as JobDefinition, embedding as unknown as JobDefinition];
}

/**
 * Maps the model's clusters back to keyword rows by normalized text, batch by batch. A keyword the model put in two
 * clusters stays in the first; keywords it did not return stay unclustered (counted in `dropped`); texts it returned
 * that were not sent are ignored and listed in `invented`. Clusters of the same name (normalized) across batches are
 * merged; clusters left empty are not made.
 */
export function matchAiClusters(outputs: Pick<BatchOutput, 'clusters' | 'sent'>[]) {
  const byName = new Map<string, NewCluster>();
  const invented: string[] = [];
  let dropped = 0;
  for (const out of outputs) {
    const ids = new Map(out.sent.map((s) => [s.normalized, s.id]));
    const used = new Set<string>();
    for (const c of out.clusters) {
      const members: string[] = [];
      for (const text of c.keywords) {
        const id = ids.get(normalizeKeyword(text));
        if (!id) {
          if (!invented.includes(text)) invented.push(text);
          continue;
        }
        if (used.has(id)) continue;
        used.add(id);
        members.push(id);
      }
      if (!members.length) continue;
      const name = c.name.trim() || c.keywords[0]!;
      const key = normalizeKeyword(name);
      const existing = byName.get(key);
      if (existing) existing.keywordIds.push(...members);
      else byName.set(key, { name, keywordIds: members });
    }
    dropped += out.sent.length - used.size;
  }
  return { clusters: [...byName.values()], invented, dropped };
}
