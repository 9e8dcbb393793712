import type { TJobRun } from '@igny8/shared';

/** Whether a job may still change (the Dashboard keeps polling while one does). */
export const isActive = (job: Pick<TJobRun, 'status'>): boolean => job.status === 'queued' || job.status === 'running';
