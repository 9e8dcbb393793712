import { queryKey } from './keys';
import type {
  Cluster,
  Idea,
  JobRun,
  Keyword,
  KeywordFilter,
  KeywordImport,
  KeywordQuery,
  Page,
  PlannerError,
  PlannerOperation,
  Pipeline,
  PlannerState,
  Sector,
} from './types';

/** The site's sectors; `null` until loaded (the resolver fetches them). */
export const getSectors = (state: PlannerState): Sector[] | null => state.sectors;

/** One page of keywords; `undefined` until loaded. */
export const getKeywords = (state: PlannerState, query: KeywordQuery): Page<Keyword> | undefined =>
  state.keywordPages[queryKey(query)];

/** How many keywords a filter matches; `undefined` until loaded. */
export const getKeywordCount = (state: PlannerState, filter: KeywordFilter): number | undefined =>
  state.keywordCounts[queryKey(filter)];

/** A sector's clusters ('' for the whole site), first 200 by volume; `undefined` until loaded. */
export const getClusters = (state: PlannerState, sectorId: string): Page<Cluster> | undefined =>
  state.clusters[sectorId];

/** A cluster's ideas, newest first; `undefined` until loaded. */
export const getIdeas = (state: PlannerState, clusterId: string): Idea[] | undefined => state.ideas[clusterId];

export const getImport = (state: PlannerState, importId: string): KeywordImport | undefined => state.imports[importId];

/** The site's last five keyword imports; `null` until loaded. */
export const getRecentImports = (state: PlannerState): KeywordImport[] | null => state.recentImports;

/** Keyword, cluster, idea and task counts of the site; `null` until loaded. */
export const getPipeline = (state: PlannerState): Pipeline | null => state.pipeline;

/** A job as last polled. */
export const getJob = (state: PlannerState, jobId: string): JobRun | undefined => state.jobs[jobId];

export const isPending = (state: PlannerState, operation: PlannerOperation): boolean =>
  state.pending.includes(operation);

export const getError = (state: PlannerState): PlannerError | null => state.error;
