import { z } from 'zod';

/** Contract of the planner's clusters routes. */
export const PLANNER_CLUSTERS_CONTRACT = z.literal('planner-clusters');
