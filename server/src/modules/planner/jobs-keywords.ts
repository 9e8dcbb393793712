import type { JobDefinition } from '../../jobs/definition.ts';
import type { PlannerJobDeps } from './deps.ts';
import { syncSitePostsJob } from './site-posts.ts';

export function plannerKeywordsJobs(deps: PlannerJobDeps): JobDefinition[] {
  return [syncSitePostsJob(deps) as unknown as JobDefinition];
}
