export const STORE_NAME = 'igny8/writer';

/** Tasks per page. */
export const TASKS_PAGE_SIZE = 20;
