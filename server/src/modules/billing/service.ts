import type { PrismaClient } from '../../generated/prisma/client.ts';

/**
 * Credits. The ledger is append-only; the balance is the sum of its entries. This is the read side the site
 * connection needs (the plugin shows the balance); estimates, holds and settlement come with the AI engine.
 */
export function createBillingService({ prisma }: { prisma: PrismaClient }) {
  return {
    async balance(accountId: string): Promise<number> {
      const { _sum } = await prisma.creditLedgerEntry.aggregate({ where: { accountId }, _sum: { amount: true } });
      return _sum.amount ?? 0;
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
