import { igny8Api } from '../../api/client';
import type { JobRun } from './types';

/** How many jobs the Dashboard lists. */
export const RECENT_JOBS = 10;

/** The site's latest jobs, newest first (the server lists a WordPress site's own jobs only). */
export const fetchRecentJobs = async (): Promise<JobRun[]> =>
  (await igny8Api<{ items: JobRun[] }>('jobs', { query: { limit: RECENT_JOBS } })).items;
