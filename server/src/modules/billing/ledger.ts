import type { TGrantKind } from '@igny8/shared';
import { withTransactions } from '../../db/client.ts';
import { errors } from '../../errors.ts';
import type { CreditHold, CreditLedgerEntry, Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import { billingData, type BillingData } from './data.ts';
import { requireSiteBudget } from './site-budget.ts';
import {
  entryView,
  insufficientCredits,
  positiveInteger,
  settledView,
  type HoldRequest,
  type LedgerChange,
  type SettledHold,
  type Settlement,
} from './views.ts';

type Tx = Prisma.TransactionClient;

/** Waiting for a pooled connection and for the account lock: generous, since debits of one account queue up. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

/** Locks the account's row until the transaction ends: debits of one account run one at a time. */
async function lockAccount(tx: BillingData, accountId: string): Promise<void> {
  if (!(await tx.lockAccount(accountId))) throw errors.notFound('Account', accountId);
}

/** Throws INSUFFICIENT_CREDITS unless the (locked) account has `amount` credits. */
async function requireBalance(tx: BillingData, accountId: string, amount: number): Promise<void> {
  const balance = await tx.readBalance(accountId);
  if (balance < amount) throw insufficientCredits(amount, balance);
}

/** An account that only receives credits needs no lock, only to exist. */
async function requireAccount(tx: BillingData, accountId: string): Promise<void> {
  if (!(await tx.accountExists(accountId))) throw errors.notFound('Account', accountId);
}

async function placeHold(tx: BillingData, request: HoldRequest): Promise<CreditHold> {
  positiveInteger(request.amount, 'A hold');
  if (!request.operation) throw errors.badRequest('A hold needs the operation it is for.');
  await lockAccount(tx, request.accountId);
  // Under the account lock, so two holds for one job cannot both miss each other.
  if (request.jobRunId) {
    const existing = await tx.findHoldOfJob(request.jobRunId);
    if (existing) {
      if (existing.accountId !== request.accountId) {
        throw errors.conflict('CONFLICT', `Job ${request.jobRunId} already holds credits of another account.`);
      }
      return existing;
    }
  }
  // The site's budget first: the message then names the site, which says more than the account's balance.
  if (request.siteId) await requireSiteBudget(tx, request.accountId, request.siteId, request.amount);
  await requireBalance(tx, request.accountId, request.amount);
  const hold = await tx.createHold({
    accountId: request.accountId,
    amount: request.amount,
    operation: request.operation,
    siteId: request.siteId ?? null,
    jobRunId: request.jobRunId ?? null,
  });
  await tx.createEntry({
    accountId: hold.accountId,
    kind: 'hold',
    amount: -hold.amount,
    holdId: hold.id,
    operation: hold.operation,
    siteId: hold.siteId,
    jobRunId: hold.jobRunId,
    note: `Held ${hold.amount} credits for ${hold.operation}.`,
  });
  return hold;
}

async function settleHold(tx: BillingData, holdId: string, settlement: Settlement): Promise<SettledHold> {
  if (!Number.isSafeInteger(settlement.captured) || settlement.captured < 0) {
    throw errors.badRequest(`Captured credits must be a whole number >= 0 (got ${settlement.captured}).`);
  }
  // One round trip in the usual case: only one settlement wins (a concurrent one waits on the row, then finds it
  // no longer open); a hold already settled, or missing, is looked up after.
  const settledAt = new Date();
  const hold = await tx.settleOpenHold(holdId, settlement.captured, settledAt);
  if (!hold) {
    const existing = await tx.findHold(holdId);
    if (!existing) throw errors.notFound('Credit hold', holdId);
    return settledView(existing);
  }
  const captured = hold.captured;
  const released = hold.amount - captured;

  const about = {
    accountId: hold.accountId,
    holdId: hold.id,
    operation: hold.operation,
    siteId: hold.siteId,
    jobRunId: hold.jobRunId,
  };
  const entries: Prisma.CreditLedgerEntryCreateManyInput[] = [];
  if (captured > 0 || settlement.model !== undefined || settlement.usage !== undefined) {
    entries.push({
      ...about,
      kind: 'capture',
      amount: 0,
      model: settlement.model ?? null,
      // `credits` is what usage reports sum; `requested` keeps an overrun visible.
      usage: {
        ...(settlement.usage as Prisma.InputJsonObject | undefined),
        credits: captured,
        held: hold.amount,
        ...(settlement.captured > hold.amount ? { requested: settlement.captured } : {}),
      },
      note: settlement.note ?? `Used ${captured} of ${hold.amount} credits held.`,
    });
  }
  if (released > 0) {
    entries.push({
      ...about,
      kind: 'release',
      amount: released,
      note: captured > 0 ? `Released ${released} unused credits.` : `Released all ${released} credits held.`,
    });
  }
  await tx.createEntries(entries);
  return settledView({ ...hold, status: 'settled', captured, settledAt });
}

/** What changes credits: holds and their settlement, grants and refunds (see service.ts for the rules). */
export function createLedger({ prisma }: { prisma: PrismaClient }) {
  const data = withTransactions(prisma, billingData);

  function inTransaction<T>(tx: Tx | null | undefined, fn: (tx: BillingData) => Promise<T>): Promise<T> {
    return tx ? fn(billingData(tx)) : data.transaction((inTx) => fn(inTx), TX_OPTIONS);
  }

  function hold(request: HoldRequest): Promise<CreditHold>;
  function hold(tx: Tx | null | undefined, request: HoldRequest): Promise<CreditHold>;
  /**
   * Sets credits aside for one operation: the CreditHold (open) and a `hold` entry of -amount. Pass the transaction
   * that enqueues the job to place both atomically; without one, the hold gets its own. INSUFFICIENT_CREDITS when
   * the balance does not cover it.
   */
  function hold(first: Tx | HoldRequest | null | undefined, second?: HoldRequest): Promise<CreditHold> {
    const [tx, request] = second ? [first as Tx | null | undefined, second] : [undefined, first as HoldRequest];
    return inTransaction(tx, (t) => placeHold(t, request));
  }

  return {
    /** Adds credits (grant, purchase) or adjusts them (an adjustment may be negative, never below a zero balance). */
    async grant(
      accountId: string,
      amount: number,
      note: string,
      createdById: string | null,
      kind: TGrantKind = 'grant',
    ): Promise<LedgerChange> {
      if (kind === 'adjustment') {
        if (!Number.isSafeInteger(amount) || amount === 0) {
          throw errors.badRequest(`An adjustment must be a non-zero whole number of credits (got ${amount}).`);
        }
      } else {
        positiveInteger(amount, kind === 'grant' ? 'A grant' : 'A purchase');
      }
      return data.transaction(async (tx) => {
        if (amount < 0) {
          await lockAccount(tx, accountId);
          await requireBalance(tx, accountId, -amount);
        } else {
          await requireAccount(tx, accountId);
        }
        const entry = await tx.createEntry({ accountId, kind, amount, note, createdById });
        return { entry: entryView(entry), balance: await tx.readBalance(accountId) };
      }, TX_OPTIONS);
    },

    hold,

    /**
     * Settles a hold once: captures min(captured, held) and releases the rest. Idempotent: settling a settled hold
     * (also concurrently) returns its first settlement unchanged.
     */
    settle(holdId: string, settlement: Settlement, tx?: Tx | null): Promise<SettledHold> {
      return inTransaction(tx, (t) => settleHold(t, holdId, settlement));
    },

    /** The failure path: gives every held credit back (a settlement capturing 0). */
    release(holdId: string, tx?: Tx | null): Promise<SettledHold> {
      return inTransaction(tx, (t) => settleHold(t, holdId, { captured: 0 }));
    },

    /**
     * An operator gives credits back. With `relatedHoldId` (a settled hold of the account), at most what that hold
     * captured, less earlier refunds of it.
     */
    async refund(
      accountId: string,
      amount: number,
      note: string,
      relatedHoldId?: string | null,
      createdById?: string | null,
    ): Promise<LedgerChange> {
      positiveInteger(amount, 'A refund');
      return data.transaction(async (tx) => {
        await requireAccount(tx, accountId);
        let about: Pick<CreditLedgerEntry, 'holdId' | 'operation' | 'siteId' | 'jobRunId'> | undefined;
        if (relatedHoldId) {
          // Locked, so concurrent refunds of one hold cannot together exceed what it captured.
          const related = await tx.lockHoldForRefund(accountId, relatedHoldId);
          if (!related) throw errors.notFound('Credit hold', relatedHoldId);
          if (related.status !== 'settled') {
            throw errors.conflict(
              'CONFLICT',
              `Credit hold ${relatedHoldId} is still open: release it rather than refund it.`,
            );
          }
          const refunded = await tx.refundedOf(relatedHoldId);
          const refundable = related.captured - refunded;
          if (amount > refundable) {
            throw errors.conflict(
              'CONFLICT',
              `Credit hold ${relatedHoldId} used ${related.captured} credits and ${refunded} were refunded already: ` +
                `at most ${refundable} more can be refunded.`,
              { captured: related.captured, refunded, refundable },
            );
          }
          about = {
            holdId: relatedHoldId,
            operation: related.operation,
            siteId: related.siteId,
            jobRunId: related.jobRunId,
          };
        }
        const entry = await tx.createEntry({
          accountId,
          kind: 'refund',
          amount,
          note,
          createdById: createdById ?? null,
          ...about,
        });
        return { entry: entryView(entry), balance: await tx.readBalance(accountId) };
      }, TX_OPTIONS);
    },
  };
}
