import type { TJobRun, TPage } from '@igny8/shared';
import { igny8Api } from '../../api/client';

/** How many jobs the Dashboard lists. */
export const RECENT_JOBS = 10;

/** The site's latest jobs, newest first (the server lists a WordPress site's own jobs only). */
export const fetchRecentJobs = async (): Promise<TJobRun[]> =>
  (await igny8Api<TPage<TJobRun>>('jobs', { query: { limit: RECENT_JOBS } })).items;

/** One job as it is now (its progress, step, and its result or error once it ended). */
export const fetchJob = (jobId: string) => igny8Api<TJobRun>(`jobs/${encodeURIComponent(jobId)}`);
