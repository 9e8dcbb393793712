/**
 * The planner store's own shapes. What the API sends and takes is the server's contract, imported as types from
 * @igny8/shared (`import type` only: nothing of it is bundled), so a change there fails the plugin's typecheck.
 */
import type {
  TCluster,
  TIdea,
  TJobRun,
  TKeyword,
  TKeywordImport,
  TKeywordsQuery,
  TPage,
  TRunClustersBody,
  TSector,
} from '@igny8/shared';
import type { OperationAction, OperationError } from '../operations';

/** The clustering methods a run may use (the screen offers lexical and AI). */
export type ClusterRunMethod = TRunClustersBody['method'];
/** How finely clustering groups keywords: 1 broad topics ... 5 tight groups (shared CLUSTER_GRANULARITY). */
export type ClusterGranularity = 1 | 2 | 3 | 4 | 5;

/** One page of the keywords table: the list query without the site, which the plugin fills in (`current`). */
export type KeywordQuery = Partial<Omit<TKeywordsQuery, 'siteId'>>;

/** A count that may be a lower bound: lists are read up to 200 items. */
export interface PipelineCount {
  count: number;
  /** True when there are more than `count`. */
  more: boolean;
}

/** How far the site's planning has come: the Dashboard's numbers. */
export interface Pipeline {
  keywords: number;
  newKeywords: number;
  clusters: PipelineCount;
  ideasToReview: PipelineCount;
  approvedIdeas: PipelineCount;
  tasks: PipelineCount;
}

/** Requests the screens make that change something; one of each may run at a time. */
export type PlannerOperation =
  'load' | 'sector' | 'import' | 'mapping' | 'bulk' | 'cluster' | 'generate' | 'review' | 'convert';

/** A failed request, in the words of the server or the plugin. */
export type PlannerError = OperationError<PlannerOperation>;

export interface PlannerState {
  sectors: TSector[] | null;
  /** Keyword pages by their query (JSON of the sorted query). */
  keywordPages: Record<string, TPage<TKeyword>>;
  /** Keyword counts by their filter (JSON of the sorted filter). */
  keywordCounts: Record<string, number>;
  /** Clusters by sector id ('' for every sector), up to the first 200 by volume. */
  clusters: Record<string, TPage<TCluster>>;
  /** Ideas by cluster id. */
  ideas: Record<string, TIdea[]>;
  imports: Record<string, TKeywordImport>;
  recentImports: TKeywordImport[] | null;
  pipeline: Pipeline | null;
  jobs: Record<string, TJobRun>;
  pending: PlannerOperation[];
  error: PlannerError | null;
}

export type PlannerAction =
  | { type: 'RECEIVE_SECTORS'; sectors: TSector[] }
  | { type: 'RECEIVE_KEYWORD_PAGE'; key: string; page: TPage<TKeyword> }
  | { type: 'RECEIVE_KEYWORD_COUNT'; key: string; total: number }
  | { type: 'RECEIVE_CLUSTERS'; sectorId: string; page: TPage<TCluster> }
  | { type: 'RECEIVE_IDEAS'; clusterId: string; ideas: TIdea[] }
  | { type: 'RECEIVE_IDEA'; idea: TIdea }
  | { type: 'RECEIVE_IMPORT'; keywordImport: TKeywordImport }
  | { type: 'RECEIVE_RECENT_IMPORTS'; imports: TKeywordImport[] }
  | { type: 'RECEIVE_PIPELINE'; pipeline: Pipeline }
  | { type: 'RECEIVE_JOB'; job: TJobRun }
  | OperationAction<PlannerOperation>;

/** The part of @wordpress/data's thunk arguments these thunks use. */
export interface PlannerThunkArgs {
  dispatch: ((action: PlannerAction) => unknown) & {
    invalidateResolutionForStoreSelector: (selector: string) => unknown;
  };
  select: {
    getJob: (jobId: string) => TJobRun | undefined;
  };
}
