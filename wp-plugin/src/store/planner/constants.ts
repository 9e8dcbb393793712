export const STORE_NAME = 'igny8/planner';

/** Rows per keywords page. */
export const KEYWORDS_PAGE_SIZE = 50;
