import type { TCreditEntryKind, TUsageGroupBy } from '@igny8/shared';
import type { Db } from '../../db/client.ts';
import { Prisma, type CreditHold } from '../../generated/prisma/client.ts';
import { afterCursor, newestFirst } from '../../lib/pagination.ts';

/** The SQL expression each usage report groups by; days are UTC. */
const GROUP_KEY: Record<TUsageGroupBy, Prisma.Sql> = {
  operation: Prisma.sql`"operation"`,
  site: Prisma.sql`"siteId"::text`,
  model: Prisma.sql`"model"`,
  day: Prisma.sql`to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
};

/**
 * The billing module's queries: the credit ledger and holds. The locking ones (`lockAccount`, `lockSettledHold`)
 * and `settleOpenHold` are for a transaction: bind them to one (billingData(tx)).
 */
export function billingData(db: Db) {
  return {
    async readBalance(accountId: string): Promise<number> {
      const { _sum } = await db.creditLedgerEntry.aggregate({ where: { accountId }, _sum: { amount: true } });
      return _sum.amount ?? 0;
    },

    /** Locks the account's row until the transaction ends; false when there is no such account. */
    async lockAccount(accountId: string): Promise<boolean> {
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Account" WHERE "id" = ${accountId}::uuid FOR NO KEY UPDATE`;
      return rows.length > 0;
    },

    async accountExists(accountId: string): Promise<boolean> {
      const account = await db.account.findUnique({ where: { id: accountId }, select: { id: true } });
      return account !== null;
    },

    findHoldOfJob(jobRunId: string) {
      return findCreditHoldOfJob(db, jobRunId);
    },

    findHold(holdId: string) {
      return findCreditHold(db, holdId);
    },

    createHold(data: Prisma.CreditHoldUncheckedCreateInput) {
      return db.creditHold.create({ data });
    },

    /**
     * Settles the hold if it is still open: captures min(captured, amount). Nothing when it was settled already or
     * does not exist (a concurrent settlement waits on the row, then finds it no longer open).
     */
    async settleOpenHold(holdId: string, captured: number, settledAt: Date): Promise<CreditHold | undefined> {
      const [hold] = await db.$queryRaw<CreditHold[]>`
        UPDATE "CreditHold" SET "status" = 'settled', "captured" = LEAST(${captured}::int, "amount"),
               "settledAt" = ${settledAt}
        WHERE "id" = ${holdId}::uuid AND "status" = 'open'
        RETURNING "id", "accountId", "amount", "status"::text AS "status", "captured", "operation",
                  "siteId"::text AS "siteId", "jobRunId"::text AS "jobRunId", "createdAt", "settledAt"`;
      return hold;
    },

    /** The account's hold, locked so concurrent refunds of it run one after the other. */
    async lockHoldForRefund(accountId: string, holdId: string) {
      const [related] = await db.$queryRaw<
        { status: string; captured: number; operation: string; siteId: string | null; jobRunId: string | null }[]
      >`
        SELECT "status"::text AS "status", "captured", "operation", "siteId"::text AS "siteId",
               "jobRunId"::text AS "jobRunId"
        FROM "CreditHold" WHERE "id" = ${holdId}::uuid AND "accountId" = ${accountId}::uuid
        FOR NO KEY UPDATE`;
      return related;
    },

    async refundedOf(holdId: string): Promise<number> {
      const { _sum } = await db.creditLedgerEntry.aggregate({
        where: { holdId, kind: 'refund' },
        _sum: { amount: true },
      });
      return _sum.amount ?? 0;
    },

    /**
     * The account's site with its monthly budget and what it spent since `since` (captures less refunds) and holds
     * open now; null when the account has no such site. One round trip.
     */
    async siteBudgetUse(accountId: string, siteId: string, since: Date) {
      const [row] = await db.$queryRaw<
        { name: string; budget: number | null; used: bigint | number; reserved: bigint | number }[]
      >`
        SELECT s."name", s."monthlyCreditBudget" AS "budget",
               COALESCE((SELECT SUM(CASE WHEN e."kind" = 'capture' THEN COALESCE((e."usage"->>'credits')::int, 0)
                                         ELSE -e."amount" END)
                         FROM "CreditLedgerEntry" e
                         WHERE e."accountId" = s."accountId" AND e."siteId" = s."id"
                           AND e."kind" IN ('capture', 'refund') AND e."createdAt" >= ${since}), 0)::bigint AS "used",
               COALESCE((SELECT SUM(h."amount") FROM "CreditHold" h
                         WHERE h."accountId" = s."accountId" AND h."siteId" = s."id" AND h."status" = 'open'), 0)::bigint
                 AS "reserved"
        FROM "Site" s WHERE s."id" = ${siteId}::uuid AND s."accountId" = ${accountId}::uuid`;
      return row
        ? { name: row.name, budget: row.budget, used: Number(row.used), reserved: Number(row.reserved) }
        : null;
    },

    createEntry(data: Prisma.CreditLedgerEntryUncheckedCreateInput) {
      return db.creditLedgerEntry.create({ data });
    },

    createEntries(data: Prisma.CreditLedgerEntryCreateManyInput[]) {
      return db.creditLedgerEntry.createMany({ data });
    },

    listEntries(
      accountId: string,
      query: {
        limit: number;
        cursor?: string | undefined;
        kind?: TCreditEntryKind | undefined;
        siteId?: string | undefined;
      },
    ) {
      return db.creditLedgerEntry.findMany({
        where: {
          accountId,
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.siteId ? { siteId: query.siteId } : {}),
          ...afterCursor(query.cursor),
        },
        orderBy: newestFirst,
        take: query.limit + 1,
      });
    },

    /** The account's low-balance threshold (null: none), or undefined when there is no such account. */
    async lowBalanceThreshold(accountId: string): Promise<number | null | undefined> {
      const account = await db.account.findUnique({ where: { id: accountId }, select: { lowBalanceThreshold: true } });
      return account ? account.lowBalanceThreshold : undefined;
    },

    setLowBalanceThreshold(accountId: string, threshold: number | null) {
      return db.account.update({ where: { id: accountId }, data: { lowBalanceThreshold: threshold } });
    },

    siteNames(accountId: string, siteIds: string[]) {
      return db.site.findMany({ where: { accountId, id: { in: siteIds } }, select: { id: true, name: true } });
    },

    /**
     * Credits captured per calendar day in `timeZone` from `fromDay` (a "YYYY-MM-DD" in that zone) on, per site or
     * operation. Days without usage have no row.
     */
    dailyUsageRows(
      accountId: string,
      query: { fromDay: string; timeZone: string; groupBy: 'site' | 'operation'; siteId?: string | undefined },
    ) {
      const siteFilter = query.siteId ? Prisma.sql`AND "siteId" = ${query.siteId}::uuid` : Prisma.empty;
      const day = Prisma.sql`to_char("createdAt" AT TIME ZONE ${query.timeZone}, 'YYYY-MM-DD')`;
      return db.$queryRaw<{ day: string; key: string | null; credits: bigint | number }[]>`
        SELECT ${day} AS "day", ${GROUP_KEY[query.groupBy]} AS "key",
               COALESCE(SUM(("usage"->>'credits')::int), 0)::bigint AS "credits"
        FROM "CreditLedgerEntry"
        WHERE "accountId" = ${accountId}::uuid
          AND "kind" = 'capture'
          AND "createdAt" >= (${query.fromDay}::date::timestamp AT TIME ZONE ${query.timeZone})
          ${siteFilter}
        GROUP BY 1, 2`;
    },

    /** Credits captured in [from, to), grouped by `groupBy` (of one site with `siteId`). */
    usageRows(accountId: string, query: { from: Date; to: Date; groupBy: TUsageGroupBy; siteId?: string | undefined }) {
      const siteFilter = query.siteId ? Prisma.sql`AND "siteId" = ${query.siteId}::uuid` : Prisma.empty;
      return db.$queryRaw<{ key: string | null; credits: bigint | number; count: bigint | number }[]>`
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
    },
  };
}

export type BillingData = ReturnType<typeof billingData>;

// The credit-hold reads of modules that run paid jobs. Each takes the client or a caller's transaction.

/** A credit hold by id, or null. */
export function findCreditHold(db: Db, holdId: string) {
  return db.creditHold.findUnique({ where: { id: holdId } });
}

/** The credit hold placed for a job, or null. */
export function findCreditHoldOfJob(db: Db, jobRunId: string) {
  return db.creditHold.findUnique({ where: { jobRunId } });
}
