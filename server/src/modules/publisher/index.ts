import type { PublisherServiceDeps } from './deps.ts';
import { createPublisherService } from './service.ts';

export { publisherJobs } from './jobs.ts';

/** The publisher's services (publishing, unpublishing and reading publications), built once by compose.ts. */
export function createPublisherServices(deps: PublisherServiceDeps) {
  return { publisher: createPublisherService(deps) };
}

export type PublisherServices = ReturnType<typeof createPublisherServices>;
