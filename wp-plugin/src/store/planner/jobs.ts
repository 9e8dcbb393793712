import type { JobRun } from './types';

/** Whether a job has ended (it will not change again). */
export const isFinished = (job: JobRun): boolean =>
  job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';
