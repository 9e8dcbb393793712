import type { JobDefinition } from '../../jobs/definition.ts';
import type { PlannerJobDeps } from './deps.ts';

export function plannerImportJobs(deps: PlannerJobDeps): JobDefinition[] {
  void deps;
  return [];
}
