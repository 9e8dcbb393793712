import type { TClusterRunAccepted, TRunClustersBody } from '@igny8/shared';
import {
  MAX_AI_CLUSTER_RUN_KEYWORDS,
  MAX_CLUSTER_RUN_KEYWORDS,
  MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS,
} from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { AiEngine } from '../ai/engine.ts';
import { heldRunAccepted, type AiRunsService, type StartOptions } from '../ai/runs-service.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { JobsService } from '../jobs/service.ts';
import { clusterLexically } from './clustering/lexical.ts';
import { findKeywords, findSector, sameSector } from './clusters-read.ts';
import { clusterAiJob, clusterEmbeddingJob, clusterLexicalJob } from './contracts.ts';
import { embeddingModelKey } from './data/embedding-cache.ts';
import type { PlannerData } from './data/index.ts';

/** The ledger's operation name for embedding runs. */
export const CLUSTER_EMBEDDING_OPERATION = 'cluster_embedding';
/** Keywords per auto_cluster call by default (the function takes at most 500). */
export const DEFAULT_AI_BATCH = 300;
/** The auto_cluster function refuses keywords longer than this. */
const AI_KEYWORD_MAX_CHARS = 200;

export interface ClustersRunDeps {
  data: PlannerData;
  jobs: JobsService;
  /** Starts paid AI work: estimate, hold, enqueue (402 / Idempotency-Key handled there). */
  runs: AiRunsService;
  /** The embedding model and its estimate. */
  engine: AiEngine;
}

/** Starts clustering runs (lexical, AI or embedding) as jobs. */
export function createClustersRunService(deps: ClustersRunDeps) {
  const { data } = deps;

  /** The keywords a run clusters: the given ones (checked), or the sector's unclustered new keywords by volume. */
  async function runKeywords(auth: AuthContext, body: TRunClustersBody, limit: number) {
    if (body.keywordIds) {
      const rows = await findKeywords(data, auth, body.keywordIds);
      sameSector(rows, body.sectorId, 'keywordIds');
      return rows;
    }
    return data.clusters.unclusteredKeywords(auth.accountId, body.sectorId, limit);
  }

  function nothingToCluster(): AppError {
    return errors.validation([
      {
        in: 'body',
        field: 'keywordIds',
        message:
          'selects no keywords to cluster: the sector has no unclustered keywords with status new; import keywords or pass keywordIds',
      },
    ]);
  }

  async function startLexical(auth: AuthContext, requestId: string, body: TRunClustersBody, key?: string) {
    await findSector(data, auth, body.siteId, body.sectorId);
    const keywords = await runKeywords(auth, body, MAX_CLUSTER_RUN_KEYWORDS);
    if (!keywords.length) throw nothingToCluster();
    const started = await deps.jobs.start(auth, requestId, {
      type: clusterLexicalJob.type,
      siteId: body.siteId,
      payload: {
        siteId: body.siteId,
        sectorId: body.sectorId,
        keywordIds: body.keywordIds ? [...new Set(body.keywordIds)] : null,
        options: body.options ?? {},
      },
      ...(key ? { idempotencyKey: key } : {}),
    });
    return { ...started, keywordCount: keywords.length, heldCredits: 0, model: null } as TClusterRunAccepted;
  }

  async function startAi(
    auth: AuthContext,
    requestId: string,
    body: TRunClustersBody,
    key?: string,
    options: StartOptions = {},
  ) {
    const batchSize = body.options?.batchSize ?? DEFAULT_AI_BATCH;
    const maxClusters = body.options?.maxClusters ?? 20;
    let batches: { ids: string[]; texts: string[] }[] = [];
    const started = await deps.runs.startHeld(auth, requestId, {
      type: clusterAiJob.type,
      operation: 'auto_cluster',
      siteId: body.siteId,
      body,
      ...(key ? { idempotencyKey: key } : {}),
      ...options,
      estimate: async () => {
        await findSector(data, auth, body.siteId, body.sectorId);
        const all = await runKeywords(auth, body, MAX_AI_CLUSTER_RUN_KEYWORDS + 1);
        if (all.length > MAX_AI_CLUSTER_RUN_KEYWORDS) {
          throw errors.validation([
            {
              in: 'body',
              field: 'keywordIds',
              message: `selects more than ${MAX_AI_CLUSTER_RUN_KEYWORDS} keywords, the most one AI clustering run takes: pass keywordIds in parts, or use method lexical`,
            },
          ]);
        }
        const keywords = all.filter((k) => k.keyword.length <= AI_KEYWORD_MAX_CHARS);
        if (keywords.length < 2) {
          if (!all.length) throw nothingToCluster();
          throw errors.validation([
            {
              in: 'body',
              field: 'keywordIds',
              message: 'selects fewer than 2 keywords: AI clustering needs at least 2',
            },
          ]);
        }
        batches = aiBatches(keywords, batchSize);
        let credits = 0;
        let model = '';
        for (const b of batches) {
          const e = await deps.runs.estimate(auth.accountId, body.siteId, 'auto_cluster', {
            keywords: b.texts,
            maxClusters,
          });
          credits += e.credits;
          model = e.model;
        }
        return { credits, model };
      },
      payload: ({ holdId }) => ({
        siteId: body.siteId,
        sectorId: body.sectorId,
        holdId,
        maxClusters,
        batches: batches.map((b) => b.ids),
      }),
    });
    return {
      ...heldRunAccepted(started),
      keywordCount: batches.reduce((n, b) => n + b.ids.length, 0) || 0,
    } as TClusterRunAccepted;
  }

  /**
   * Embedding runs: lexical clusters refined with keyword embeddings. Paid like AI runs for the keywords whose
   * embedding is not in the account's cache yet (hold, 402 when short, Idempotency-Key); when every keyword is
   * cached the run is free and holds nothing (a hold of 0 credits does not exist).
   */
  async function startEmbedding(
    auth: AuthContext,
    requestId: string,
    body: TRunClustersBody,
    key?: string,
    options: StartOptions = {},
  ) {
    let keywordCount = 0;
    let modelKey = '';
    let uncached: string[] = [];
    let credits = 0;
    let planned = false;
    const plan = async () => {
      if (planned) return { credits, model: modelKey };
      await findSector(data, auth, body.siteId, body.sectorId);
      const all = await runKeywords(auth, body, MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS + 1);
      if (!all.length) throw nothingToCluster();
      if (all.length > MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS) {
        throw errors.validation([
          {
            in: 'body',
            field: 'keywordIds',
            message: `selects more than ${MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS} keywords, the most one embedding clustering run takes: pass keywordIds in parts, or use method lexical`,
          },
        ]);
      }
      const model = await deps.engine.embeddingModel(auth.accountId);
      if (!model) {
        throw new AppError(
          'VALIDATION_FAILED',
          'No embedding model is configured: add an OpenAI key (or choose the lexical method).',
          {
            fields: [
              {
                in: 'body',
                field: 'method',
                message:
                  'embedding needs an embedding model, and none is usable: add an OpenAI key in AI settings, or choose method lexical',
              },
            ],
          },
        );
      }
      keywordCount = all.length;
      modelKey = embeddingModelKey(model);
      uncached = await data.embeddings.uncachedTexts(
        auth.accountId,
        modelKey,
        all.map((k) => k.normalized),
      );
      credits = uncached.length ? deps.engine.estimateEmbedding(model, uncached) : 0;
      planned = true;
      return { credits, model: modelKey };
    };
    const payload = (holdId: string | null) => ({
      siteId: body.siteId,
      sectorId: body.sectorId,
      keywordIds: body.keywordIds ? [...new Set(body.keywordIds)] : null,
      holdId,
      model: modelKey,
      options: body.options ?? {},
    });
    // A retry of a paid run (same Idempotency-Key) goes through startHeld, which finds it and checks the body.
    const previous = key ? await data.scope.findIdempotentRun(auth.accountId, clusterEmbeddingJob.type, key) : null;
    if (!previous?.requestHash) {
      await plan();
      if (credits === 0) {
        const started = await deps.jobs.start(auth, requestId, {
          type: clusterEmbeddingJob.type,
          siteId: body.siteId,
          payload: payload(null),
          ...(key ? { idempotencyKey: key } : {}),
        });
        return { ...started, keywordCount, heldCredits: 0, model: modelKey } as TClusterRunAccepted;
      }
    }
    const started = await deps.runs.startHeld(auth, requestId, {
      type: clusterEmbeddingJob.type,
      operation: CLUSTER_EMBEDDING_OPERATION,
      siteId: body.siteId,
      body,
      ...(key ? { idempotencyKey: key } : {}),
      ...options,
      estimate: plan,
      payload: ({ holdId }) => payload(holdId),
    });
    return {
      ...heldRunAccepted(started),
      keywordCount,
    } as TClusterRunAccepted;
  }

  return {
    /** `options.guard` refuses paid runs past a cap (automation); free lexical runs never call it. */
    async startRun(
      auth: AuthContext,
      requestId: string,
      body: TRunClustersBody,
      idempotencyKey?: string,
      options: StartOptions = {},
    ) {
      if (body.method === 'ai') return startAi(auth, requestId, body, idempotencyKey, options);
      if (body.method === 'embedding') return startEmbedding(auth, requestId, body, idempotencyKey, options);
      return startLexical(auth, requestId, body, idempotencyKey);
    },
  };
}

export type ClustersRunService = ReturnType<typeof createClustersRunService>;

/**
 * Batches for the AI: keywords ordered by their lexical clusters (so related keywords travel together and the model
 * can group them), cut into near-equal batches of at most `size` (never a batch of one).
 */
export function aiBatches(
  keywords: { id: string; keyword: string; normalized: string; volume: number | null }[],
  size: number,
) {
  const { clusters } = clusterLexically(
    keywords.map((k) => ({ id: k.id, normalized: k.normalized, volume: k.volume })),
  );
  const byId = new Map(keywords.map((k) => [k.id, k]));
  const ordered = clusters.flatMap((c) => c.keywordIds).map((id) => byId.get(id)!);
  const count = Math.ceil(ordered.length / size);
  const per = Math.ceil(ordered.length / count);
  const batches: { ids: string[]; texts: string[] }[] = [];
  for (let i = 0; i < ordered.length; i += per) {
    const part = ordered.slice(i, i + per);
    batches.push({ ids: part.map((k) => k.id), texts: part.map((k) => k.keyword) });
  }
  const last = batches[batches.length - 1];
  if (batches.length > 1 && last && last.ids.length < 2) {
    const prev = batches[batches.length - 2]!;
    prev.ids.push(...last.ids);
    prev.texts.push(...last.texts);
    batches.pop();
  }
  return batches;
}
