import type { Config } from '../../config.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { ConnectService } from '../connect/service.ts';
import type { JobsService } from '../jobs/service.ts';

/** What the publisher's routes need (built once in app.ts). */
export interface PublisherRouteDeps {
  config: Config;
  prisma: PrismaClient;
  queue: JobQueue;
  jobs: JobsService;
}

/** What the publisher's jobs need (built once per worker). */
export interface PublisherJobDeps {
  prisma: PrismaClient;
  connect: ConnectService;
  media: MediaStorage;
}
