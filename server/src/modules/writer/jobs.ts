import type { JobDefinition } from '../../jobs/definition.ts';
import type { WriterJobDeps } from './deps.ts';

/** Every job type of the writer. */
export function writerJobs(deps: WriterJobDeps): JobDefinition[] {
  void deps;
  return [];
}
