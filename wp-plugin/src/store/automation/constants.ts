export const STORE_NAME = 'igny8/automation';

/** How often the screen reads the automation state while a run is active. */
export const RUN_POLL_MS = 2000;

/** Runs and review items per page. */
export const PAGE_SIZE = 20;
