import type { TAiFunction } from '@igny8/shared';
import type { Db } from '../../../db/client.ts';
import type { Prisma } from '../../../generated/prisma/client.ts';

/** Saved prompt versions per (account or global, AI function). */
export function promptsData(db: Db) {
  return {
    /** The newest version (accountId null: the global ones). */
    newest(accountId: string | null, fn: TAiFunction) {
      return db.prompt.findFirst({ where: { accountId, function: fn }, orderBy: { version: 'desc' } });
    },

    create(data: Prisma.PromptUncheckedCreateInput) {
      return db.prompt.create({ data });
    },

    /** One version by number. */
    find(accountId: string | null, fn: TAiFunction, version: number) {
      // findFirst: a null accountId (the global versions) cannot be a compound unique key.
      return db.prompt.findFirst({ where: { accountId, function: fn, version } });
    },

    /** The newest version older than `version`. */
    before(accountId: string | null, fn: TAiFunction, version: number) {
      return db.prompt.findFirst({
        where: { accountId, function: fn, version: { lt: version } },
        orderBy: { version: 'desc' },
      });
    },

    /** The newest 100 versions, newest first. */
    versions(accountId: string | null, fn: TAiFunction) {
      return db.prompt.findMany({
        where: { accountId, function: fn },
        orderBy: { version: 'desc' },
        take: 100,
      });
    },
  };
}
