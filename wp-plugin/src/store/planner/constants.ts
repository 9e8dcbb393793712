export const STORE_NAME = 'igny8/planner';

/** Rows per keywords page. */
export const KEYWORDS_PAGE_SIZE = 50;

/** How often a running job is asked for its progress. */
export const JOB_POLL_MS = 1000;
