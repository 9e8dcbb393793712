import { queryKey } from './keys';
import type { TCluster, TIdea, TJobRun, TKeyword, TKeywordFilter, TKeywordImport, TPage, TSector } from '@igny8/shared';
import type { KeywordQuery, PlannerError, PlannerOperation, Pipeline, PlannerState } from './types';

/** The site's sectors; `null` until loaded (the resolver fetches them). */
export const getSectors = (state: PlannerState): TSector[] | null => state.sectors;

/** One page of keywords; `undefined` until loaded. */
export const getKeywords = (state: PlannerState, query: KeywordQuery): TPage<TKeyword> | undefined =>
  state.keywordPages[queryKey(query)];

/** How many keywords a filter matches; `undefined` until loaded. */
export const getKeywordCount = (state: PlannerState, filter: TKeywordFilter): number | undefined =>
  state.keywordCounts[queryKey(filter)];

/** A sector's clusters ('' for the whole site), first 200 by volume; `undefined` until loaded. */
export const getClusters = (state: PlannerState, sectorId: string): TPage<TCluster> | undefined =>
  state.clusters[sectorId];

/** A cluster's ideas, newest first; `undefined` until loaded. */
export const getIdeas = (state: PlannerState, clusterId: string): TIdea[] | undefined => state.ideas[clusterId];

export const getImport = (state: PlannerState, importId: string): TKeywordImport | undefined => state.imports[importId];

/** The site's last five keyword imports; `null` until loaded. */
export const getRecentImports = (state: PlannerState): TKeywordImport[] | null => state.recentImports;

/** Keyword, cluster, idea and task counts of the site; `null` until loaded. */
export const getPipeline = (state: PlannerState): Pipeline | null => state.pipeline;

/** A job as last polled. */
export const getJob = (state: PlannerState, jobId: string): TJobRun | undefined => state.jobs[jobId];

export const isPending = (state: PlannerState, operation: PlannerOperation): boolean =>
  state.pending.includes(operation);

export const getError = (state: PlannerState): PlannerError | null => state.error;
