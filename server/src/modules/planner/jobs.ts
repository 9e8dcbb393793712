import type { JobDefinition } from '../../jobs/definition.ts';
import type { PlannerJobDeps } from './deps.ts';
import { plannerClustersJobs } from './jobs-clusters.ts';
import { plannerIdeasJobs } from './jobs-ideas.ts';
import { plannerImportJobs } from './jobs-import.ts';
import { plannerKeywordsJobs } from './jobs-keywords.ts';

/** Every job type of the planner. */
export function plannerJobs(deps: PlannerJobDeps): JobDefinition[] {
  return [
    ...plannerImportJobs(deps),
    ...plannerKeywordsJobs(deps),
    ...plannerClustersJobs(deps),
    ...plannerIdeasJobs(deps),
  ];
}
