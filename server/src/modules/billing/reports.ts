import {
  creditOperationLabel,
  type TCreditBalance,
  type TCreditEntry,
  type TUsageDaily,
  type TUsageDailyQuery,
  type TUsageGroup,
  type TUsageReport,
} from '@igny8/shared';
import { errors } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { sitesData } from '../sites/data.ts';
import { billingData } from './data.ts';
import { entryView, type TransactionsQuery, type UsageQuery } from './views.ts';

const EXPORT_BATCH = 500;
const DAY_MS = 86_400_000;

/** The last `count` calendar days in `timeZone` up to `now`'s day, oldest first, as "YYYY-MM-DD". */
export function lastDays(now: Date, count: number, timeZone: string): string[] {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(now)
    .slice(0, 10);
  const end = Date.parse(`${today}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** What reads credits: the balance, the ledger and usage reports. */
export function createReports({ prisma }: { prisma: PrismaClient }) {
  const data = billingData(prisma);
  const sites = sitesData(prisma);

  /** A site filter must name a site of the account: 404 otherwise, as for any other tenant's id. */
  async function requireSite(accountId: string, siteId: string | undefined): Promise<void> {
    if (!siteId) return;
    if (!(await sites.siteExists(accountId, siteId))) throw errors.notFound('Site', siteId);
  }

  /** The balance with the account's low-balance threshold: `low` when a threshold is set and not reached. */
  async function balanceView(accountId: string): Promise<TCreditBalance> {
    const [balance, threshold] = await Promise.all([data.readBalance(accountId), data.lowBalanceThreshold(accountId)]);
    const lowBalanceThreshold = threshold ?? null;
    return { balance, lowBalanceThreshold, low: lowBalanceThreshold !== null && balance < lowBalanceThreshold };
  }

  return {
    /** The account's credits. */
    async balance(accountId: string): Promise<number> {
      return data.readBalance(accountId);
    },

    balanceView,

    /** Sets (or, with null, removes) the low-balance threshold; answers the balance as GET /billing/balance does. */
    async setLowBalanceThreshold(accountId: string, threshold: number | null): Promise<TCreditBalance> {
      await data.setLowBalanceThreshold(accountId, threshold);
      return balanceView(accountId);
    },

    /**
     * Every entry the filters match, newest first, page by page (for the CSV export): the site filter is checked
     * before the first page, so an unknown site is a 404, not an empty file.
     */
    async *allTransactions(accountId: string, query: Omit<TransactionsQuery, 'limit' | 'cursor'>) {
      await requireSite(accountId, query.siteId);
      let cursor: string | undefined;
      for (;;) {
        const rows = await data.listEntries(accountId, { ...query, limit: EXPORT_BATCH, cursor });
        const page = pageFrom(rows, EXPORT_BATCH);
        for (const row of page.rows) yield entryView(row) as TCreditEntry;
        if (!page.nextCursor) return;
        cursor = page.nextCursor;
      }
    },

    /**
     * Credits used per day over the last `days` days (today included), one series per site or operation, days
     * without usage as 0. Days are calendar days in the account's time zone; accounts have none yet, so UTC.
     */
    async dailyUsage(accountId: string, query: TUsageDailyQuery, now = new Date()): Promise<TUsageDaily> {
      await requireSite(accountId, query.siteId);
      const timeZone = 'UTC';
      const days = lastDays(now, query.days, timeZone);
      const rows = await data.dailyUsageRows(accountId, {
        fromDay: days[0]!,
        timeZone,
        groupBy: query.groupBy,
        siteId: query.siteId,
      });
      const index = new Map(days.map((d, i) => [d, i]));
      const byKey = new Map<string | null, number[]>();
      for (const row of rows) {
        const i = index.get(row.day);
        if (i === undefined) continue;
        const credits = byKey.get(row.key) ?? days.map(() => 0);
        credits[i]! += Number(row.credits);
        byKey.set(row.key, credits);
      }
      const siteIds = [...byKey.keys()].filter((k): k is string => k !== null);
      const names =
        query.groupBy === 'site' && siteIds.length
          ? new Map((await data.siteNames(accountId, siteIds)).map((site) => [site.id, site.name]))
          : new Map<string, string>();
      const label = (key: string | null) =>
        query.groupBy === 'site'
          ? key === null
            ? 'No site'
            : (names.get(key) ?? 'Deleted site')
          : creditOperationLabel(key);
      const series = [...byKey.entries()]
        .map(([key, credits]) => ({ key, label: label(key), credits, total: credits.reduce((a, b) => a + b, 0) }))
        .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
      const totals = days.map((_, i) => series.reduce((sum, s) => sum + s.credits[i]!, 0));
      return {
        timeZone,
        groupBy: query.groupBy,
        days,
        series,
        totals,
        total: totals.reduce((a, b) => a + b, 0),
      };
    },

    /** The account's ledger (or the entries about one site), newest first. */
    async transactions(accountId: string, query: TransactionsQuery) {
      await requireSite(accountId, query.siteId);
      const rows = await data.listEntries(accountId, query);
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
      const rows = await data.usageRows(accountId, query);
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
