/**
 * The planner API's shapes as the screens use them (server contract: shared/src/planner-*.ts, jobs.ts). Written out
 * here rather than imported from @igny8/shared, whose zod schemas would otherwise be bundled into every screen.
 */
import type { OperationAction, OperationError } from '../operations';

export type KeywordIntent = 'informational' | 'commercial' | 'transactional' | 'navigational';
export type KeywordStatus = 'new' | 'clustered' | 'queued' | 'used' | 'ignored';
export type KeywordSort = 'volume' | '-volume' | 'difficulty' | '-difficulty' | 'keyword' | '-keyword' | 'newest';
export type ClusterMethod = 'lexical' | 'ai';
/** How finely clustering groups keywords: 1 broad topics ... 5 tight groups (server default 3). */
export type ClusterGranularity = 1 | 2 | 3 | 4 | 5;
export type IdeaStatus = 'new' | 'approved' | 'rejected' | 'converted';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type ImportStatus = 'uploaded' | 'needs_mapping' | 'queued' | 'importing' | 'succeeded' | 'failed';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Sector {
  id: string;
  name: string;
}

export interface Keyword {
  id: string;
  sectorId: string;
  keyword: string;
  volume: number | null;
  difficulty: number | null;
  cpc: number | null;
  intent: KeywordIntent;
  status: KeywordStatus;
  clusterId: string | null;
  clusterName: string | null;
}

/** Filters of the keywords table (all optional, combined with AND). */
export interface KeywordFilter {
  sectorId?: string | undefined;
  status?: KeywordStatus | undefined;
  intent?: KeywordIntent | undefined;
  clusterId?: string | undefined;
  q?: string | undefined;
  minVolume?: number | undefined;
}

/** One page of the keywords table. */
export interface KeywordQuery extends KeywordFilter {
  sort?: KeywordSort | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface Cluster {
  id: string;
  sectorId: string;
  name: string;
  method: string;
  keywordCount: number;
  totalVolume: number;
  avgDifficulty: number | null;
  dominantIntent: KeywordIntent | null;
  mainKeyword: { id: string; keyword: string; volume: number | null } | null;
  demo: boolean;
}

export interface OutlineItem {
  level: 'h2' | 'h3';
  heading: string;
}

export interface Idea {
  id: string;
  clusterId: string | null;
  title: string;
  angle: string;
  contentType: string;
  outline: OutlineItem[];
  primaryKeyword: string;
  secondaryKeywords: string[];
  intent: KeywordIntent;
  targetWordCount: number;
  status: IdeaStatus;
  demo: boolean;
  taskId: string | null;
}

export interface Task {
  id: string;
  ideaId: string | null;
  title: string;
  status: string;
}

export interface JobRun {
  id: string;
  type: string;
  status: JobStatus;
  /** 0-100. */
  progress: number;
  currentStep: string | null;
  result: unknown;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
}

/** What starting slow work answers (202). */
export interface JobAccepted {
  jobId: string;
  status: JobStatus;
  /** Paid runs: credits set aside now; what is not used is given back. */
  heldCredits?: number;
  model?: string | null;
  keywordCount?: number;
}

export interface ImportMapping {
  keyword: string;
  volume?: string | undefined;
  difficulty?: string | undefined;
  cpc?: string | undefined;
  intent?: string | undefined;
}

/** The import route's answer: queued with its job, or waiting for a column mapping. */
export interface ImportStarted {
  importId: string;
  status: ImportStatus;
  format: string | null;
  jobId: string | null;
  columns?: string[];
  sampleRows?: string[][];
  message?: string;
}

export interface KeywordImport {
  id: string;
  fileName: string | null;
  status: ImportStatus;
  jobId: string | null;
  rowsTotal: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsFailed: number;
  rowsDuplicate: number;
  error: { code: string; message: string } | null;
  errorSummary: { reason: string; count: number }[];
  createdAt: string;
  finishedAt: string | null;
}

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
  sectors: Sector[] | null;
  /** Keyword pages by their query (JSON of the sorted query). */
  keywordPages: Record<string, Page<Keyword>>;
  /** Keyword counts by their filter (JSON of the sorted filter). */
  keywordCounts: Record<string, number>;
  /** Clusters by sector id ('' for every sector), up to the first 200 by volume. */
  clusters: Record<string, Page<Cluster>>;
  /** Ideas by cluster id. */
  ideas: Record<string, Idea[]>;
  imports: Record<string, KeywordImport>;
  recentImports: KeywordImport[] | null;
  pipeline: Pipeline | null;
  jobs: Record<string, JobRun>;
  pending: PlannerOperation[];
  error: PlannerError | null;
}

export type PlannerAction =
  | { type: 'RECEIVE_SECTORS'; sectors: Sector[] }
  | { type: 'RECEIVE_KEYWORD_PAGE'; key: string; page: Page<Keyword> }
  | { type: 'RECEIVE_KEYWORD_COUNT'; key: string; total: number }
  | { type: 'RECEIVE_CLUSTERS'; sectorId: string; page: Page<Cluster> }
  | { type: 'RECEIVE_IDEAS'; clusterId: string; ideas: Idea[] }
  | { type: 'RECEIVE_IDEA'; idea: Idea }
  | { type: 'RECEIVE_IMPORT'; keywordImport: KeywordImport }
  | { type: 'RECEIVE_RECENT_IMPORTS'; imports: KeywordImport[] }
  | { type: 'RECEIVE_PIPELINE'; pipeline: Pipeline }
  | { type: 'RECEIVE_JOB'; job: JobRun }
  | OperationAction<PlannerOperation>;

/** The part of @wordpress/data's thunk arguments these thunks use. */
export interface PlannerThunkArgs {
  dispatch: ((action: PlannerAction) => unknown) & {
    invalidateResolutionForStoreSelector: (selector: string) => unknown;
  };
  select: {
    getJob: (jobId: string) => JobRun | undefined;
  };
}
