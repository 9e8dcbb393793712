import type { JobDefinition } from '../../jobs/definition.ts';
import type { PlannerJobDeps } from './deps.ts';

export function plannerClustersJobs(deps: PlannerJobDeps): JobDefinition[] {
  void deps;
  return [];
}
