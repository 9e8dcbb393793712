import { z } from 'zod';

/** Contract of the planner's import routes. */
export const PLANNER_IMPORT_CONTRACT = z.literal('planner-import');
