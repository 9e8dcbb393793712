import { z } from 'zod';
import { ZPageQuery } from './envelope.ts';

/** Contract of the planner's clusters: running clustering (local or AI), listing, and manual edits. */

const uuid = (what: string) => z.uuid({ message: `must be a ${what} id (UUID)` });
const intent = z.enum(['informational', 'commercial', 'transactional', 'navigational']);

export const CLUSTER_METHODS = ['lexical', 'embedding', 'ai', 'manual'] as const;
export const ZClusterMethod = z.enum(CLUSTER_METHODS);
export type TClusterMethod = z.infer<typeof ZClusterMethod>;

/** Most keywords one clustering run takes; a sector with more is clustered in several runs. */
export const MAX_CLUSTER_RUN_KEYWORDS = 200_000;
/** Most keywords the AI method takes in one run (it is paid per batch of `batchSize`). */
export const MAX_AI_CLUSTER_RUN_KEYWORDS = 10_000;
/** Most keywords the embedding method takes in one run (their vectors are held in memory while grouping). */
export const MAX_EMBEDDING_CLUSTER_RUN_KEYWORDS = 20_000;

/** Granularity of lexical and embedding runs: 1 (broad topics, fewer clusters) to 5 (tight groups). */
export const CLUSTER_GRANULARITY = { min: 1, max: 5, default: 3 } as const;

export const ZClusterRunOptions = z.strictObject({
  /**
   * Lexical and embedding: 1 (broad topics, fewer and bigger clusters) to 5 (tight groups, more clusters). Default 3,
   * the setting that scored best on the labelled development set.
   */
  granularity: z
    .number({ message: 'must be a whole number from 1 (broad topics) to 5 (tight groups)' })
    .int({ message: 'must be a whole number from 1 (broad topics) to 5 (tight groups)' })
    .min(CLUSTER_GRANULARITY.min, { message: 'must be a whole number from 1 (broad topics) to 5 (tight groups)' })
    .max(CLUSTER_GRANULARITY.max, { message: 'must be a whole number from 1 (broad topics) to 5 (tight groups)' })
    .optional(),
  /** No longer used (the lexical method groups on a keyword graph since granularity exists); accepted, ignored. */
  seedCoverage: z.number().min(0.3).max(1).optional(),
  /** No longer used, like seedCoverage; accepted, ignored. */
  keywordCoverage: z.number().min(0).max(1).optional(),
  /** Groups smaller than this are not made; their keywords stay unclustered (status new). Default 1. */
  minClusterSize: z.number().int().min(1).max(1000).optional(),
  /** AI: keywords sent per call (the function takes at most 500). Default 300. */
  batchSize: z.number().int().min(2).max(500).optional(),
  /** AI: most clusters the model may make per batch. Default 20. */
  maxClusters: z.number().int().min(1).max(100).optional(),
  /**
   * Embedding: cosine similarity (0.5-0.99) of two clusters' mean embeddings at or above which they merge, and a
   * single keyword joins a cluster. Higher: fewer merges. Default 0.86.
   */
  embeddingThreshold: z.number().min(0.5).max(0.99).optional(),
});
export type TClusterRunOptions = z.infer<typeof ZClusterRunOptions>;

export const ZRunClustersBody = z.strictObject({
  siteId: uuid('site'),
  sectorId: uuid('sector'),
  /**
   * lexical: local and free; embedding: lexical clusters refined with keyword embeddings (needs an embedding model,
   * i.e. an OpenAI key; paid in credits for keywords not embedded before); ai: the auto_cluster AI function, paid.
   */
  method: z.enum(['lexical', 'embedding', 'ai']),
  /** Which keywords of the sector; default: the sector's keywords in no cluster with status new. */
  keywordIds: z.array(uuid('keyword')).min(1).max(20_000).optional(),
  options: ZClusterRunOptions.optional(),
});
export type TRunClustersBody = z.infer<typeof ZRunClustersBody>;

export const ZClusterRunAccepted = z.object({
  jobId: z.uuid(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  pollUrl: z.string(),
  /** How many keywords the run will cluster. */
  keywordCount: z.number().int(),
  /**
   * Paid runs: credits set aside (what is not used is given back) and the model; 0 and null for lexical runs, 0 for
   * embedding runs whose keywords are all embedded already.
   */
  heldCredits: z.number().int(),
  model: z.string().nullable(),
});
export type TClusterRunAccepted = z.infer<typeof ZClusterRunAccepted>;

/** What a finished clustering job returns as its result. */
export const ZClusterRunResult = z.object({
  method: z.enum(['lexical', 'embedding', 'ai']),
  clusterCount: z.number().int(),
  clusteredKeywords: z.number().int(),
  /** Keywords left out: too small a group (lexical), or dropped by the model (ai). */
  unclusteredKeywords: z.number().int(),
  /** AI: keyword texts the model returned that were not in the batch (ignored). */
  inventedKeywords: z.array(z.string()),
  /** Keywords that changed (moved, deleted or clustered elsewhere) while the run was going, left as they were. */
  skippedKeywords: z.number().int(),
  cannibalizing: z.number().int(),
  credits: z.number().int(),
  demo: z.boolean(),
  /** Lexical and embedding runs: the granularity used (1 broad - 5 tight). */
  granularity: z.number().int().optional(),
  /** Embedding runs: what the embeddings did. */
  embeddings: z
    .object({
      model: z.string(),
      /** Keywords embedded (and paid for) in this run. */
      embedded: z.number().int(),
      /** Keywords whose embedding was already in the account's cache (free). */
      cached: z.number().int(),
      /** Keywords left without an embedding (the held credits did not cover them); they keep their lexical cluster. */
      missing: z.number().int(),
      /** Lexical clusters merged into another one, and single keywords that joined a cluster. */
      mergedClusters: z.number().int(),
      attachedKeywords: z.number().int(),
      threshold: z.number(),
    })
    .optional(),
});
export type TClusterRunResult = z.infer<typeof ZClusterRunResult>;

export const CLUSTER_SORTS = ['volume', 'keywords', 'name', 'newest'] as const;
export const ZClusterSort = z.enum(CLUSTER_SORTS);

export const ZClustersQuery = ZPageQuery.extend({
  siteId: uuid('site'),
  sectorId: uuid('sector').optional(),
  /** volume: total volume, highest first; keywords: most keywords first; name: A-Z; newest: newest first. */
  sort: ZClusterSort.default('volume'),
});
export type TClustersQuery = z.infer<typeof ZClustersQuery>;

export const ZClusterParams = z.object({ clusterId: uuid('cluster') });

export const ZClusterCannibalization = z.object({
  wpPostId: z.number().int(),
  title: z.string(),
  slug: z.string(),
  url: z.string().nullable(),
});

export const ZCluster = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  name: z.string(),
  method: ZClusterMethod,
  keywordCount: z.number().int(),
  totalVolume: z.number().int(),
  avgDifficulty: z.number().nullable(),
  dominantIntent: intent.nullable(),
  mainKeyword: z.object({ id: z.uuid(), keyword: z.string(), volume: z.number().int().nullable() }).nullable(),
  /** A post already on the site that targets the main keyword: another article would compete with it. */
  cannibalizes: ZClusterCannibalization.nullable(),
  /** Made by the demo AI endpoint, not a real model. */
  demo: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TCluster = z.infer<typeof ZCluster>;

export const ZClusterKeyword = z.object({
  id: z.uuid(),
  keyword: z.string(),
  volume: z.number().int().nullable(),
  difficulty: z.number().int().nullable(),
  cpc: z.number().nullable(),
  intent,
  status: z.enum(['new', 'clustered', 'queued', 'used', 'ignored']),
});

/** A cluster with its first 500 keywords by volume (keywordCount tells how many there are in all). */
export const ZClusterDetail = ZCluster.extend({ keywords: z.array(ZClusterKeyword) });
export type TClusterDetail = z.infer<typeof ZClusterDetail>;

const clusterName = z.string().trim().min(1, { message: 'must not be empty' }).max(200);

export const ZRenameClusterBody = z.strictObject({ name: clusterName });

export const ZMergeClustersBody = z.strictObject({
  /** Two or more clusters of one sector; the one with the most volume survives and takes the others' keywords. */
  clusterIds: z.array(uuid('cluster')).min(2).max(100),
  /** The merged cluster's name; default: the surviving cluster's. */
  name: clusterName.optional(),
});

export const ZSplitClusterBody = z.strictObject({
  /** Keywords of this cluster that move to a new cluster. */
  keywordIds: z.array(uuid('keyword')).min(1).max(10_000),
  /** Default: the highest-volume keyword of the new cluster. */
  name: clusterName.optional(),
});

export const ZMoveKeywordsBody = z.strictObject({
  /** Keywords of the same sector, in another cluster or none. */
  keywordIds: z.array(uuid('keyword')).min(1).max(10_000),
});
