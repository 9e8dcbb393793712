import {
  fetchClusters,
  fetchIdeas,
  fetchKeywordCount,
  fetchKeywords,
  fetchPipeline,
  fetchRecentImports,
  fetchSectors,
} from './api';
import { toPlannerError } from './errors';
import { queryKey } from './keys';
import type { TKeywordFilter } from '@igny8/shared';
import type { KeywordQuery, PlannerAction, PlannerThunkArgs } from './types';

/** Runs a load; a failure goes to the store's error for the screen to show with a "Try again". */
const load =
  (request: () => Promise<PlannerAction>) =>
  async ({ dispatch }: PlannerThunkArgs): Promise<void> => {
    try {
      dispatch(await request());
    } catch (thrown) {
      dispatch({ type: 'FAIL_OPERATION', error: toPlannerError('load', thrown) });
    }
  };

export const getSectors = () => load(async () => ({ type: 'RECEIVE_SECTORS', sectors: await fetchSectors() }));

export const getKeywords = (query: KeywordQuery) =>
  load(async () => ({ type: 'RECEIVE_KEYWORD_PAGE', key: queryKey(query), page: await fetchKeywords(query) }));

export const getKeywordCount = (filter: TKeywordFilter) =>
  load(async () => ({
    type: 'RECEIVE_KEYWORD_COUNT',
    key: queryKey(filter),
    total: (await fetchKeywordCount(filter)).total,
  }));

export const getClusters = (sectorId: string) =>
  load(async () => ({ type: 'RECEIVE_CLUSTERS', sectorId, page: await fetchClusters(sectorId) }));

export const getIdeas = (clusterId: string) =>
  load(async () => ({ type: 'RECEIVE_IDEAS', clusterId, ideas: (await fetchIdeas(clusterId)).items }));

export const getRecentImports = () =>
  load(async () => ({ type: 'RECEIVE_RECENT_IMPORTS', imports: (await fetchRecentImports()).items }));

export const getPipeline = () => load(async () => ({ type: 'RECEIVE_PIPELINE', pipeline: await fetchPipeline() }));
