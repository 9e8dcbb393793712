import type { PrismaClient } from '../../generated/prisma/client.ts';
import { createLedger } from './ledger.ts';
import { createReports } from './reports.ts';
import { createSiteBudgets } from './site-budget.ts';

export {
  entryView,
  insufficientCredits,
  type HoldRequest,
  type LedgerChange,
  type SettledHold,
  type Settlement,
  type TransactionsQuery,
  type UsageQuery,
} from './views.ts';

/**
 * Credits. The ledger is append-only (entries are only ever inserted) and the balance is the sum of an account's
 * entries. A hold removes credits up front; settling it captures what was used (never more than held) and releases
 * the rest; releasing it (failure) gives everything back; an operator may refund captured credits.
 *
 * The balance never goes below zero, whatever the concurrency: every mutation is one transaction, and every debit
 * (a hold, a negative adjustment) first locks the account row (SELECT ... FOR NO KEY UPDATE), so debits of one
 * account run one at a time and each sees every committed entry before it checks the balance. Credits (grants,
 * releases, refunds) only add and need no lock. FOR NO KEY UPDATE, not FOR UPDATE: inserting an entry takes a
 * KEY SHARE lock on the account (its foreign key), which this lock does not block.
 *
 * The schema has no Account.creditBalance cache yet, so the balance is SUM(amount) over the account's entries, read
 * under that lock (cost grows with the ledger). Once the column exists: `lockAccount` + `requireBalance` (ledger.ts) become one
 * conditional `updateMany({ where: { id, creditBalance: { gte: n } }, data: { creditBalance: { decrement: n } } })`
 * (count 0 -> INSUFFICIENT_CREDITS), `readBalance` reads the column, and the three places that add credits (grant,
 * settleHold's release, refund) increment it in their transaction.
 */

export function createBillingService({ prisma }: { prisma: PrismaClient }) {
  return { ...createReports({ prisma }), ...createLedger({ prisma }), ...createSiteBudgets({ prisma }) };
}

export type BillingService = ReturnType<typeof createBillingService>;
