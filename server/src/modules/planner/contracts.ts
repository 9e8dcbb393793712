import { ZClusterRunOptions } from '@igny8/shared';
import { z } from 'zod';
import { jobContract, type JobPayload } from '../../jobs/definition.ts';

/**
 * Every job of the planner: its type and payload, shared by the service that starts it and the handler that runs it.
 */

/** Reads an uploaded keyword file (stored in chunks) into its sector's keywords. */
export const keywordImportJob = jobContract('planner.keyword_import', z.object({ importId: z.uuid() }));

const ZLexicalPayload = z.object({
  siteId: z.uuid(),
  sectorId: z.uuid(),
  /** Null: the sector's unclustered keywords with status new, as they are when the job runs. */
  keywordIds: z.array(z.uuid()).nullable(),
  options: ZClusterRunOptions,
});

/** Clusters a sector's keywords locally by the words they share (free). */
export const clusterLexicalJob = jobContract('planner.cluster_lexical', ZLexicalPayload);

/** Clusters keywords with the auto_cluster AI function, batch by batch (credits held when started). */
export const clusterAiJob = jobContract(
  'planner.cluster_ai',
  z.object({
    siteId: z.uuid(),
    sectorId: z.uuid(),
    holdId: z.uuid(),
    maxClusters: z.number().int().min(1).max(100),
    /** Keyword ids per auto_cluster call, fixed when the run started (the hold was estimated on them). */
    batches: z.array(z.array(z.uuid()).min(1)).min(1),
  }),
);

/** Lexical clusters refined with keyword embeddings (paid for the embeddings not cached yet). */
export const clusterEmbeddingJob = jobContract(
  'planner.cluster_embedding',
  ZLexicalPayload.extend({
    /** Null: every keyword was cached when the run started, nothing was held. */
    holdId: z.uuid().nullable(),
    /** The embedding model chosen when the run started, "provider/modelId" (the cache key). */
    model: z.string().min(3),
  }),
);

/** Generates content ideas for a cluster (credits held when started). */
export const generateIdeasJob = jobContract(
  'planner.generate_ideas',
  z.object({
    clusterId: z.uuid(),
    siteId: z.uuid(),
    sectorId: z.uuid(),
    input: z.object({
      clusterName: z.string(),
      keywords: z.array(z.string()),
      ideaCount: z.number().int(),
      existingTitles: z.array(z.string()),
    }),
    holdId: z.uuid(),
  }),
);

/** Reads the connected site's posts and pages and refreshes the clusters' cannibalization flags. */
export const syncSitePostsJob = jobContract('planner.sync_site_posts', z.object({ siteId: z.uuid() }));

export type KeywordImportPayload = JobPayload<typeof keywordImportJob>;
export type ClusterLexicalPayload = JobPayload<typeof clusterLexicalJob>;
export type ClusterAiPayload = JobPayload<typeof clusterAiJob>;
export type ClusterEmbeddingPayload = JobPayload<typeof clusterEmbeddingJob>;
export type GenerateIdeasPayload = JobPayload<typeof generateIdeasJob>;
export type SyncSitePostsPayload = JobPayload<typeof syncSitePostsJob>;
