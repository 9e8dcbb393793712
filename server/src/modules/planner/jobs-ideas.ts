import type { JobDefinition } from '../../jobs/definition.ts';
import type { PlannerJobDeps } from './deps.ts';

export function plannerIdeasJobs(deps: PlannerJobDeps): JobDefinition[] {
  void deps;
  return [];
}
