import { z } from 'zod';

/** Contract of the planner's ideas routes. */
export const PLANNER_IDEAS_CONTRACT = z.literal('planner-ideas');
