import { z } from 'zod';

/** Contract of the planner's keywords routes. */
export const PLANNER_KEYWORDS_CONTRACT = z.literal('planner-keywords');
