export const STORE_NAME = 'igny8/writer';

/** Tasks per page. */
export const TASKS_PAGE_SIZE = 20;

/** How often a running job is asked for its progress. */
export const JOB_POLL_MS = 1000;
