/**
 * The planner routes the screens call, through the plugin's forwarding route (src/api/client.ts): `siteId` is
 * always this site (`current`, filled in by the plugin).
 */
import { CURRENT_SITE, igny8Api, type QueryValue } from '../../api/client';
import type {
  TCluster,
  TClusterRunAccepted,
  TGenerateIdeasAccepted,
  TIdea,
  TImportMapping,
  TImportStarted,
  TKeyword,
  TKeywordBulkBody,
  TKeywordBulkResult,
  TKeywordCount,
  TKeywordFilter,
  TKeywordImport,
  TKeywordStatus,
  TPage,
  TSector,
  TTask,
} from '@igny8/shared';
import type { ClusterGranularity, ClusterRunMethod, KeywordQuery, Pipeline, PipelineCount } from './types';

const withSite = (query: object): Record<string, QueryValue> => ({
  ...(query as Record<string, QueryValue>),
  siteId: CURRENT_SITE,
});

export const fetchSectors = () => igny8Api<TSector[]>(`sites/${CURRENT_SITE}/sectors`);

/** Adds a sector to this site (an admin of the site: the server gives only them `sites:write`). */
export const postSector = (name: string) =>
  igny8Api<TSector>(`sites/${CURRENT_SITE}/sectors`, { method: 'POST', body: { name } });

export const fetchKeywords = (query: KeywordQuery) =>
  igny8Api<TPage<TKeyword>>('planner/keywords', { query: withSite(query) });

export const fetchKeywordCount = (filter: TKeywordFilter) =>
  igny8Api<TKeywordCount>('planner/keywords/count', { query: withSite(filter) });

export const fetchClusters = (sectorId: string) =>
  igny8Api<TPage<TCluster>>('planner/clusters', {
    query: withSite({ sectorId: sectorId || undefined, sort: 'volume', limit: 200 }),
  });

export const fetchIdeas = (clusterId: string) =>
  igny8Api<TPage<TIdea>>('planner/ideas', { query: withSite({ clusterId, limit: 200 }) });

/** How many items a list has, reading up to 200 of them. */
const countOf = async (path: string, query: object): Promise<PipelineCount> => {
  const page = await igny8Api<TPage<unknown>>(path, { query: withSite({ ...query, limit: 200 }) });
  return { count: page.items.length, more: page.nextCursor !== null };
};

export const fetchPipeline = async (): Promise<Pipeline> => {
  const [keywords, newKeywords, clusters, ideasToReview, approvedIdeas, tasks] = await Promise.all([
    fetchKeywordCount({}),
    fetchKeywordCount({ status: 'new' }),
    countOf('planner/clusters', {}),
    countOf('planner/ideas', { status: 'new' }),
    countOf('planner/ideas', { status: 'approved' }),
    countOf('planner/tasks', {}),
  ]);
  return { keywords: keywords.total, newKeywords: newKeywords.total, clusters, ideasToReview, approvedIdeas, tasks };
};

export const fetchImport = (importId: string) => igny8Api<TKeywordImport>(`planner/imports/${importId}`);

export const fetchRecentImports = () =>
  igny8Api<TPage<TKeywordImport>>('planner/imports', { query: withSite({ limit: 5 }) });

export const postImport = (sectorId: string, text: string) =>
  igny8Api<TImportStarted>('planner/keywords/import', {
    method: 'POST',
    body: { siteId: CURRENT_SITE, sectorId, text },
  });

export const postMapping = (importId: string, mapping: TImportMapping) =>
  igny8Api<TImportStarted>(`planner/imports/${importId}/mapping`, { method: 'POST', body: { mapping } });

/** A bulk action on listed keywords. */
export type KeywordBulkAction =
  | { action: Extract<TKeywordBulkBody['action'], 'delete'> }
  | { action: Extract<TKeywordBulkBody['action'], 'set_status'>; status: TKeywordStatus };

export const postKeywordBulk = (keywordIds: string[], bulk: KeywordBulkAction) =>
  igny8Api<TKeywordBulkResult>('planner/keywords/bulk', {
    method: 'POST',
    body: { siteId: CURRENT_SITE, keywordIds, ...bulk },
  });

/** The granularity applies to the free lexical method only; AI runs ignore it and do not send it. */
export const postClusterRun = (sectorId: string, method: ClusterRunMethod, granularity?: ClusterGranularity) =>
  igny8Api<TClusterRunAccepted>('planner/clusters/run', {
    method: 'POST',
    body: {
      siteId: CURRENT_SITE,
      sectorId,
      method,
      ...(method === 'lexical' && granularity !== undefined ? { options: { granularity } } : {}),
    },
  });

export const postGenerateIdeas = (clusterId: string, count: number) =>
  igny8Api<TGenerateIdeasAccepted>(`planner/clusters/${clusterId}/ideas/generate`, { method: 'POST', body: { count } });

// An empty JSON body: a POST forwarded without one is refused by the server (415).
export const postIdeaReview = (ideaId: string, verdict: 'approve' | 'reject') =>
  igny8Api<TIdea>(`planner/ideas/${ideaId}/${verdict}`, { method: 'POST', body: {} });

export const postConvertIdeas = (ideaIds: string[]) =>
  igny8Api<TTask[]>('planner/ideas/convert', { method: 'POST', body: { ideaIds } });
