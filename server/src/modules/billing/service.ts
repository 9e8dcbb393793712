import type {
  TCreditEntry,
  TCreditEntryKind,
  TGrantKind,
  TUsageGroup,
  TUsageGroupBy,
  TUsageReport,
} from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import { Prisma, type CreditHold, type CreditLedgerEntry, type PrismaClient } from '../../generated/prisma/client.ts';
import { afterCursor, newestFirst, pageFrom } from '../../lib/pagination.ts';
import { iso } from '../../lib/serialize.ts';

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
 * under that lock (cost grows with the ledger). Once the column exists: `lockAccount` + `requireBalance` become one
 * conditional `updateMany({ where: { id, creditBalance: { gte: n } }, data: { creditBalance: { decrement: n } } })`
 * (count 0 -> INSUFFICIENT_CREDITS), `readBalance` reads the column, and the three places that add credits (grant,
 * settleHold's release, refund) increment it in their transaction.
 */

type Tx = Prisma.TransactionClient;
type Db = Tx | PrismaClient;

export interface HoldRequest {
  accountId: string;
  /** Credits to set aside: a positive integer (the estimate). */
  amount: number;
  /** What the credits are for, e.g. "generate_content". */
  operation: string;
  siteId?: string | null;
  /** One hold per job: a second hold for the same job returns the first. */
  jobRunId?: string | null;
}

export interface Settlement {
  /** Credits actually used (an integer >= 0); more than the hold captures the hold's amount. */
  captured: number;
  /** Provider and model, e.g. "openai/gpt-4.1-mini". */
  model?: string;
  /** Token and image counts behind it, e.g. { inputTokens, outputTokens, images }: stored (as JSON) on the capture. */
  usage?: object;
  note?: string;
}

export interface SettledHold {
  hold: CreditHold;
  /** Credits used: the hold's amount at most. */
  captured: number;
  /** Credits given back: the hold's amount minus `captured`. */
  released: number;
}

export interface LedgerChange {
  entry: TCreditEntry;
  /** The account's balance after the change. */
  balance: number;
}

export interface TransactionsQuery {
  limit: number;
  cursor?: string | undefined;
  kind?: TCreditEntryKind | undefined;
  /** Only entries about this site (a site of the account, else 404). */
  siteId?: string | undefined;
}

export interface UsageQuery {
  from: Date;
  to: Date;
  groupBy: TUsageGroupBy;
  /** Only this site's usage (a site of the account, else 404). */
  siteId?: string | undefined;
}

/** Waiting for a pooled connection and for the account lock: generous, since debits of one account queue up. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

export function insufficientCredits(needed: number, balance: number): AppError {
  return new AppError('INSUFFICIENT_CREDITS', `This needs ${needed} credits; the balance is ${balance}.`, {
    needed,
    balance,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function entryView(entry: CreditLedgerEntry): TCreditEntry {
  const usage = isRecord(entry.usage) ? entry.usage : null;
  const credits = entry.kind === 'capture' && typeof usage?.credits === 'number' ? usage.credits : null;
  return {
    id: entry.id,
    kind: entry.kind,
    amount: entry.amount,
    credits,
    holdId: entry.holdId,
    operation: entry.operation,
    siteId: entry.siteId,
    jobRunId: entry.jobRunId,
    model: entry.model,
    usage,
    note: entry.note,
    createdAt: iso(entry.createdAt),
  };
}

function settledView(hold: CreditHold): SettledHold {
  return { hold, captured: hold.captured, released: hold.amount - hold.captured };
}

function positiveInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw errors.badRequest(`${what} must be a positive whole number of credits (got ${value}).`);
  }
}

/** The SQL expression each usage report groups by; days are UTC. */
const GROUP_KEY: Record<TUsageGroupBy, Prisma.Sql> = {
  operation: Prisma.sql`"operation"`,
  site: Prisma.sql`"siteId"::text`,
  model: Prisma.sql`"model"`,
  day: Prisma.sql`to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

export function createBillingService({ prisma }: { prisma: PrismaClient }) {
  /** A site filter must name a site of the account: 404 otherwise, as for any other tenant's id. */
  async function requireSite(accountId: string, siteId: string | undefined): Promise<void> {
    if (!siteId) return;
    const site = await prisma.site.findFirst({ where: { id: siteId, accountId }, select: { id: true } });
    if (!site) throw errors.notFound('Site', siteId);
  }

  function inTransaction<T>(tx: Tx | null | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : prisma.$transaction(fn, TX_OPTIONS);
  }

  async function readBalance(db: Db, accountId: string): Promise<number> {
    const { _sum } = await db.creditLedgerEntry.aggregate({ where: { accountId }, _sum: { amount: true } });
    return _sum.amount ?? 0;
  }

  /** Locks the account's row until the transaction ends: debits of one account run one at a time. */
  async function lockAccount(tx: Tx, accountId: string): Promise<void> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Account" WHERE "id" = ${accountId}::uuid FOR NO KEY UPDATE`;
    if (rows.length === 0) throw errors.notFound('Account', accountId);
  }

  /** Throws INSUFFICIENT_CREDITS unless the (locked) account has `amount` credits. */
  async function requireBalance(tx: Tx, accountId: string, amount: number): Promise<void> {
    const balance = await readBalance(tx, accountId);
    if (balance < amount) throw insufficientCredits(amount, balance);
  }

  /** An account that only receives credits needs no lock, only to exist. */
  async function requireAccount(tx: Tx, accountId: string): Promise<void> {
    const account = await tx.account.findUnique({ where: { id: accountId }, select: { id: true } });
    if (!account) throw errors.notFound('Account', accountId);
  }

  async function placeHold(tx: Tx, request: HoldRequest): Promise<CreditHold> {
    positiveInteger(request.amount, 'A hold');
    if (!request.operation) throw errors.badRequest('A hold needs the operation it is for.');
    await lockAccount(tx, request.accountId);
    // Under the account lock, so two holds for one job cannot both miss each other.
    if (request.jobRunId) {
      const existing = await tx.creditHold.findUnique({ where: { jobRunId: request.jobRunId } });
      if (existing) {
        if (existing.accountId !== request.accountId) {
          throw errors.conflict('CONFLICT', `Job ${request.jobRunId} already holds credits of another account.`);
        }
        return existing;
      }
    }
    await requireBalance(tx, request.accountId, request.amount);
    const hold = await tx.creditHold.create({
      data: {
        accountId: request.accountId,
        amount: request.amount,
        operation: request.operation,
        siteId: request.siteId ?? null,
        jobRunId: request.jobRunId ?? null,
      },
    });
    await tx.creditLedgerEntry.create({
      data: {
        accountId: hold.accountId,
        kind: 'hold',
        amount: -hold.amount,
        holdId: hold.id,
        operation: hold.operation,
        siteId: hold.siteId,
        jobRunId: hold.jobRunId,
        note: `Held ${hold.amount} credits for ${hold.operation}.`,
      },
    });
    return hold;
  }

  async function settleHold(tx: Tx, holdId: string, settlement: Settlement): Promise<SettledHold> {
    if (!Number.isSafeInteger(settlement.captured) || settlement.captured < 0) {
      throw errors.badRequest(`Captured credits must be a whole number >= 0 (got ${settlement.captured}).`);
    }
    // One round trip in the usual case: only one settlement wins (a concurrent one waits on the row, then finds it
    // no longer open); a hold already settled, or missing, is looked up after.
    const settledAt = new Date();
    const [hold] = await tx.$queryRaw<CreditHold[]>`
      UPDATE "CreditHold" SET "status" = 'settled', "captured" = LEAST(${settlement.captured}::int, "amount"),
             "settledAt" = ${settledAt}
      WHERE "id" = ${holdId}::uuid AND "status" = 'open'
      RETURNING "id", "accountId", "amount", "status"::text AS "status", "captured", "operation",
                "siteId"::text AS "siteId", "jobRunId"::text AS "jobRunId", "createdAt", "settledAt"`;
    if (!hold) {
      const existing = await tx.creditHold.findUnique({ where: { id: holdId } });
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
    await tx.creditLedgerEntry.createMany({ data: entries });
    return settledView({ ...hold, status: 'settled', captured, settledAt });
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
    /** The account's credits. */
    async balance(accountId: string): Promise<number> {
      return readBalance(prisma, accountId);
    },

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
      return prisma.$transaction(async (tx) => {
        if (amount < 0) {
          await lockAccount(tx, accountId);
          await requireBalance(tx, accountId, -amount);
        } else {
          await requireAccount(tx, accountId);
        }
        const entry = await tx.creditLedgerEntry.create({ data: { accountId, kind, amount, note, createdById } });
        return { entry: entryView(entry), balance: await readBalance(tx, accountId) };
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
      return prisma.$transaction(async (tx) => {
        await requireAccount(tx, accountId);
        let about: Pick<CreditLedgerEntry, 'holdId' | 'operation' | 'siteId' | 'jobRunId'> | undefined;
        if (relatedHoldId) {
          // Locked, so concurrent refunds of one hold cannot together exceed what it captured.
          const [related] = await tx.$queryRaw<
            { status: string; captured: number; operation: string; siteId: string | null; jobRunId: string | null }[]
          >`
            SELECT "status"::text AS "status", "captured", "operation", "siteId"::text AS "siteId",
                   "jobRunId"::text AS "jobRunId"
            FROM "CreditHold" WHERE "id" = ${relatedHoldId}::uuid AND "accountId" = ${accountId}::uuid
            FOR NO KEY UPDATE`;
          if (!related) throw errors.notFound('Credit hold', relatedHoldId);
          if (related.status !== 'settled') {
            throw errors.conflict(
              'CONFLICT',
              `Credit hold ${relatedHoldId} is still open: release it rather than refund it.`,
            );
          }
          const { _sum } = await tx.creditLedgerEntry.aggregate({
            where: { holdId: relatedHoldId, kind: 'refund' },
            _sum: { amount: true },
          });
          const refunded = _sum.amount ?? 0;
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
        const entry = await tx.creditLedgerEntry.create({
          data: { accountId, kind: 'refund', amount, note, createdById: createdById ?? null, ...about },
        });
        return { entry: entryView(entry), balance: await readBalance(tx, accountId) };
      }, TX_OPTIONS);
    },

    /** The account's ledger (or the entries about one site), newest first. */
    async transactions(accountId: string, query: TransactionsQuery) {
      await requireSite(accountId, query.siteId);
      const rows = await prisma.creditLedgerEntry.findMany({
        where: {
          accountId,
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.siteId ? { siteId: query.siteId } : {}),
          ...afterCursor(query.cursor),
        },
        orderBy: newestFirst,
        take: query.limit + 1,
      });
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(entryView), nextCursor: page.nextCursor };
    },

    /**
     * Credits used in [from, to), grouped (of one site with `siteId`). Sums the capture entries (credits in
     * usage.credits): each carries the operation, site and model of its hold and the time the credits were used;
     * refunds are not subtracted. Every paid operation holds through the AI runs service, which names the site
     * of the work, so a site's report counts all of its clustering, ideas, writing and images: once its holds are
     * settled, the balance fell by exactly the total for that work (a hold takes its amount, the settlement gives
     * back all but the capture).
     */
    async usage(accountId: string, query: UsageQuery): Promise<TUsageReport> {
      await requireSite(accountId, query.siteId);
      const siteFilter = query.siteId ? Prisma.sql`AND "siteId" = ${query.siteId}::uuid` : Prisma.empty;
      const rows = await prisma.$queryRaw<{ key: string | null; credits: bigint | number; count: bigint | number }[]>`
        SELECT ${GROUP_KEY[query.groupBy]} AS "key",
               COALESCE(SUM(("usage"->>'credits')::int), 0)::bigint AS "credits",
               COUNT(*)::bigint AS "count"
        FROM "CreditLedgerEntry"
        WHERE "accountId" = ${accountId}::uuid
          AND "kind" = 'capture'
          AND "createdAt" >= ${query.from}::timestamptz
          AND "createdAt" < ${query.to}::timestamptz
          ${siteFilter}
        GROUP BY 1`;
      const groups: TUsageGroup[] = rows.map((r) => ({
        key: r.key,
        credits: Number(r.credits),
        count: Number(r.count),
      }));
      groups.sort((a, b) =>
        query.groupBy === 'day'
          ? (a.key ?? '').localeCompare(b.key ?? '')
          : b.credits - a.credits || (a.key ?? '').localeCompare(b.key ?? ''),
      );
      return {
        from: query.from.toISOString(),
        to: query.to.toISOString(),
        groupBy: query.groupBy,
        total: {
          credits: groups.reduce((sum, g) => sum + g.credits, 0),
          count: groups.reduce((sum, g) => sum + g.count, 0),
        },
        groups,
      };
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
