import type { TClusterRunResult } from '@igny8/shared';
import { CLUSTER_GRANULARITY } from '@igny8/shared';
import { callAi } from '../ai/jobs.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { clusterLexically } from './clustering/lexical.ts';
import { clusterAiJob, clusterLexicalJob } from './contracts.ts';
import { writeClusters, type NewCluster } from './data/clusters.ts';
import { finalStep } from './data/final-step.ts';
import type { PlannerJobDeps } from './jobs.ts';
import { clusterEmbeddingJobDefinition } from './jobs-cluster-embedding.ts';
import { applyLocal, lexicalOptions, loadRun } from './jobs-clusters-apply.ts';
import { normalizeKeyword } from './normalize.ts';

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
  const lexical = defineJob({
    ...clusterLexicalJob,
    retryLimit: 3,
    heartbeatSeconds: 60,
    handler: async (ctx, payload): Promise<TClusterRunResult> => {
      await ctx.progress(5, 'Loading keywords');
      const { language, keywords } = await loadRun(deps, ctx, payload);
      await ctx.progress(20, `Grouping ${keywords.length} keywords`);
      const grouped = clusterLexically(keywords, lexicalOptions(payload.options, language));
      await ctx.progress(60, `Saving ${grouped.clusters.length} clusters`);
      return applyLocal(deps, ctx, payload, grouped, {
        method: 'lexical',
        demo: false,
        granularity: payload.options.granularity ?? CLUSTER_GRANULARITY.default,
      });
    },
  });

  const ai = defineJob({
    ...clusterAiJob,
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
            const rows = await deps.data.clusters.batchKeywords(ctx.accountId, payload.sectorId, ids);
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
    onFailure: deps.releaseHold,
  });

  const embedding = clusterEmbeddingJobDefinition(deps);

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
