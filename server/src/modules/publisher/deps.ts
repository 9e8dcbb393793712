import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { ConnectService } from '../connect/service.ts';

/** What the publisher's service needs (built once in compose.ts). */
export interface PublisherServiceDeps {
  prisma: PrismaClient;
  queue: JobQueue;
}

/** What the publisher's jobs need (built once in compose.ts). */
export interface PublisherJobDeps {
  prisma: PrismaClient;
  connect: ConnectService;
  media: MediaStorage;
}
