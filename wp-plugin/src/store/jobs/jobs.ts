import type { JobRun } from './types';

/** Whether a job may still change (the Dashboard keeps polling while one does). */
export const isActive = (job: JobRun): boolean => job.status === 'queued' || job.status === 'running';
