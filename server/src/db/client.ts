import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** What a data-access function runs its queries on: the client, or the transaction a caller opened. */
export type Db = PrismaClient | Prisma.TransactionClient;

export type TransactionOptions = Parameters<PrismaClient['$transaction']>[1];

/**
 * A module's data access with transactions: `make(db)` builds its query functions over a client; the result has
 * them bound to the main client, plus `transaction(fn)`, which runs `fn` with the same functions bound to one
 * interactive transaction. Services call these and never Prisma itself.
 */
export function withTransactions<T extends object>(prisma: PrismaClient, make: (db: Db) => T) {
  return {
    ...make(prisma),
    transaction<R>(fn: (data: T, tx: Prisma.TransactionClient) => Promise<R>, options?: TransactionOptions) {
      return prisma.$transaction((tx) => fn(make(tx), tx), options);
    },
  };
}
