import type { TClusterRunOptions, TClusterRunResult } from '@igny8/shared';
import { CLUSTER_GRANULARITY } from '@igny8/shared';
import type { JobContext } from '../../jobs/context.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import type { LexicalOptions, LexicalResult } from './clustering/lexical.ts';
import type { ClusterLexicalPayload } from './contracts.ts';
import { writeClusters } from './data/clusters.ts';
import { finalStep } from './data/final-step.ts';
import type { PlannerJobDeps } from './jobs.ts';

/** What the clustering jobs share: loading a run's keywords and writing its clusters. */

export function lexicalOptions(options: TClusterRunOptions, language: string): LexicalOptions {
  return {
    language,
    granularity: options.granularity ?? CLUSTER_GRANULARITY.default,
    ...(options.minClusterSize !== undefined ? { minClusterSize: options.minClusterSize } : {}),
  };
}

/** The run's sector (its language) and keywords: the given ones, or the sector's unclustered new keywords. */
export async function loadRun(
  deps: Pick<PlannerJobDeps, 'data'>,
  ctx: JobContext,
  payload: ClusterLexicalPayload,
  limit?: number,
) {
  const sector = await deps.data.scope.findAccountSector(ctx.accountId, payload.sectorId);
  if (!sector) throw new PermanentJobError('NOT_FOUND', `Sector ${payload.sectorId} no longer exists.`);
  const keywords = await deps.data.clusters.runKeywords(ctx.accountId, payload.sectorId, payload.keywordIds, limit);
  return { language: sector.language ?? sector.site.language, keywords };
}

/**
 * The last step of the local methods: writes the clusters (named after their head term, the phrase their keywords
 * share) in one transaction and, for a paid run, settles its hold in that same transaction.
 */
export function applyLocal(
  deps: Pick<PlannerJobDeps, 'billing'>,
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
