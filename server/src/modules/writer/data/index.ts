import { withTransactions, type Db } from '../../../db/client.ts';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import { contentsData } from './contents.ts';
import { imagesData } from './images.ts';
import { lookupsData } from './lookups.ts';
import { tasksData } from './tasks.ts';

export { StaleVersionError, type NewVersion } from './contents.ts';
export { withContentSummary } from './tasks.ts';

/**
 * The writer's data access, the only place with its Prisma calls: bound to the client, or to a caller's transaction
 * (`writerData(tx)`, or `withTransactions(prisma, writerData)` for `.transaction(fn)`).
 */
export function writerData(db: Db) {
  return {
    tasks: tasksData(db),
    contents: contentsData(db),
    images: imagesData(db),
    lookups: lookupsData(db),
  };
}

export type WriterData = ReturnType<typeof writerData>;

/** The writer's data access over the main client, with `.transaction(fn)`: what its services and jobs use. */
export function writerDataAccess(prisma: PrismaClient) {
  return withTransactions(prisma, writerData);
}

export type WriterDataAccess = ReturnType<typeof writerDataAccess>;
