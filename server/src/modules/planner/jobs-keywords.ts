import type { JobDefinition } from '../../jobs/definition.ts';
import type { PlannerJobDeps } from './deps.ts';

export function plannerKeywordsJobs(deps: PlannerJobDeps): JobDefinition[] {
  void deps;
  return [];
}
