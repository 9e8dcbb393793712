import type { JobDefinition } from '../../jobs/definition.ts';
import type { AiEngine } from '../ai/engine.ts';
import type { BillingService } from '../billing/service.ts';
import type { ConnectService } from '../connect/service.ts';
import type { PlannerData } from './data/index.ts';
import { plannerClustersJobs } from './jobs-clusters.ts';
import { plannerIdeasJobs } from './jobs-ideas.ts';
import { plannerImportJobs } from './jobs-import.ts';
import { plannerSitePostsJobs } from './jobs-site-posts.ts';

/** What the planner's jobs need (built once, in compose.ts). */
export interface PlannerJobDeps {
  data: PlannerData;
  engine: AiEngine;
  billing: BillingService;
  connect: ConnectService;
  /** Gives back the credit hold of a paid job that failed for good or was cancelled. */
  releaseHold: (job: { jobId: string }) => Promise<void>;
  /** PostgreSQL's URL (unset on embedded PGlite): the keyword import writes with COPY on its own connection. */
  databaseUrl?: string | undefined;
}

/** Every job type of the planner. */
export function plannerJobs(deps: PlannerJobDeps): JobDefinition[] {
  return [
    ...plannerImportJobs(deps),
    ...plannerSitePostsJobs(deps),
    ...plannerClustersJobs(deps),
    ...plannerIdeasJobs(deps),
  ];
}
