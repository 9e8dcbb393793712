import type { JobDefinition } from '../../jobs/definition.ts';
import type { PublisherJobDeps } from './deps.ts';

/** Every job type of the publisher. */
export function publisherJobs(deps: PublisherJobDeps): JobDefinition[] {
  void deps;
  return [];
}
