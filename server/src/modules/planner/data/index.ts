import type { Db } from '../../../db/client.ts';
import { withTransactions } from '../../../db/client.ts';
import type { PrismaClient } from '../../../generated/prisma/client.ts';
import { clustersData } from './clusters.ts';
import { embeddingsData } from './embedding-cache.ts';
import { ideasData } from './ideas.ts';
import { writeStaged, type StagedWriteInput } from './import-staged.ts';
import { importsData } from './imports.ts';
import { keywordsData } from './keywords.ts';
import { scopeData } from './scope.ts';
import { sitePostsData } from './site-posts.ts';

/** The planner's data access over one client or transaction, by noun. */
export function plannerData(db: Db) {
  return {
    scope: scopeData(db),
    keywords: keywordsData(db),
    clusters: clustersData(db),
    embeddings: embeddingsData(db),
    ideas: ideasData(db),
    imports: importsData(db),
    sitePosts: sitePostsData(db),
  };
}

/** The planner's data access bound to one client or transaction. */
export type PlannerDb = ReturnType<typeof plannerData>;

/**
 * The planner's data access on the main client, with `transaction(fn)`, and the staged write of a keyword import
 * (it runs its own statements and transaction on the client).
 */
export function createPlannerData(prisma: PrismaClient) {
  return {
    ...withTransactions(prisma, plannerData),
    writeStagedImport: (input: Omit<StagedWriteInput, 'prisma'>) => writeStaged({ ...input, prisma }),
  };
}

export type PlannerData = ReturnType<typeof createPlannerData>;
