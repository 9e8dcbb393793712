import type {
  TClusterRunAccepted,
  TGenerateIdeasAccepted,
  TImportMapping,
  TImportStarted,
  TJobRun,
  TKeywordImport,
  TTask,
} from '@igny8/shared';
import {
  fetchImport,
  postClusterRun,
  postConvertIdeas,
  postGenerateIdeas,
  postIdeaReview,
  postImport,
  postKeywordBulk,
  postMapping,
  postSector,
  type KeywordBulkAction,
} from './api';
import { jobFailure, pollJob as pollStoreJob, runOperation as runStoreOperation } from '../operations';
import type { ClusterGranularity, ClusterRunMethod, PlannerOperation, PlannerThunkArgs } from './types';

export { clearError } from '../operations';

const runOperation = <T>(operation: PlannerOperation, request: (args: PlannerThunkArgs) => Promise<T>) =>
  runStoreOperation<PlannerOperation, PlannerThunkArgs, T>(operation, request);

/** Polls a job until it ends, keeping it in the store (getJob) so progress bars follow it. */
const pollJob = ({ dispatch }: PlannerThunkArgs, jobId: string): Promise<TJobRun> =>
  pollStoreJob(jobId, (job) => dispatch({ type: 'RECEIVE_JOB', job }));

/** Forgets every cached keyword page, count and cluster list, so the screens load them again. */
const refreshPlanner = ({ dispatch }: PlannerThunkArgs) => {
  for (const selector of ['getKeywords', 'getKeywordCount', 'getClusters', 'getRecentImports']) {
    dispatch.invalidateResolutionForStoreSelector(selector);
  }
};

/** Sends a keyword file's text; answers the import, queued (with its job) or waiting for a column mapping. */
/** Adds a sector to this site and loads the sectors again; answers the new sector. */
export const createSector = (name: string) => async (args: PlannerThunkArgs) => {
  const sector = await runOperation('sector', () => postSector(name))(args);
  if (sector) {
    args.dispatch.invalidateResolutionForStoreSelector('getSectors');
  }
  return sector;
};

export const startImport = (sectorId: string, text: string) =>
  runOperation<TImportStarted>('import', () => postImport(sectorId, text));

/** Chooses the columns of an import whose layout was not recognized, and starts it. */
export const mapImportColumns = (importId: string, mapping: TImportMapping) =>
  runOperation<TImportStarted>('mapping', () => postMapping(importId, mapping));

/** Follows an import's job to its end, then keeps the import (with its counts) and refreshes the lists. */
export const followImport = (importId: string, jobId: string) =>
  runOperation<TKeywordImport>('import', async (args) => {
    await pollJob(args, jobId);
    const keywordImport = await fetchImport(importId);
    args.dispatch({ type: 'RECEIVE_IMPORT', keywordImport });
    refreshPlanner(args);
    return keywordImport;
  });

/** Deletes or sets the status of listed keywords. */
export const bulkKeywords = (keywordIds: string[], bulk: KeywordBulkAction) =>
  runOperation<{ affected: number }>('bulk', async (args) => {
    const result = await postKeywordBulk(keywordIds, bulk);
    refreshPlanner(args);
    return result;
  });

/**
 * Starts clustering a sector's new keywords, at a granularity for the lexical method (1 broad topics ... 5 tight
 * groups); answers the job (and the held credits of an AI run).
 */
export const startClustering = (sectorId: string, method: ClusterRunMethod, granularity?: ClusterGranularity) =>
  runOperation<TClusterRunAccepted>('cluster', () => postClusterRun(sectorId, method, granularity));

/** Follows a clustering job to its end and refreshes keywords and clusters. */
export const followClustering = (jobId: string) =>
  runOperation<TJobRun>('cluster', async (args) => {
    const job = await pollJob(args, jobId);
    refreshPlanner(args);
    if (job.status !== 'succeeded') {
      throw jobFailure(job);
    }
    return job;
  });

/** Asks the AI for ideas for a cluster; answers the job and the credits held for it. */
export const startIdeas = (clusterId: string, count: number) =>
  runOperation<TGenerateIdeasAccepted>('generate', () => postGenerateIdeas(clusterId, count));

/** Follows an idea generation job to its end and loads the cluster's ideas again. */
export const followIdeas = (clusterId: string, jobId: string) =>
  runOperation<TJobRun>('generate', async (args) => {
    const job = await pollJob(args, jobId);
    args.dispatch.invalidateResolutionForStoreSelector('getIdeas');
    if (job.status !== 'succeeded') {
      throw jobFailure(job);
    }
    return job;
  });

/** Approves or rejects an idea. */
export const reviewIdea = (ideaId: string, verdict: 'approve' | 'reject') =>
  runOperation('review', async ({ dispatch }) => {
    const idea = await postIdeaReview(ideaId, verdict);
    dispatch({ type: 'RECEIVE_IDEA', idea });
    return idea;
  });

/** Turns approved ideas into Writer tasks (one per idea), then loads the ideas again to show them converted. */
export const convertIdeas = (ideaIds: string[]) =>
  runOperation<TTask[]>('convert', async (args) => {
    const tasks = await postConvertIdeas(ideaIds);
    args.dispatch.invalidateResolutionForStoreSelector('getIdeas');
    return tasks;
  });
