import type { TUsageGroup, TUsageReport } from '@igny8/shared';
import { errors } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { sitesData } from '../sites/data.ts';
import { billingData } from './data.ts';
import { entryView, type TransactionsQuery, type UsageQuery } from './views.ts';

/** What reads credits: the balance, the ledger and usage reports. */
export function createReports({ prisma }: { prisma: PrismaClient }) {
  const data = billingData(prisma);
  const sites = sitesData(prisma);

  /** A site filter must name a site of the account: 404 otherwise, as for any other tenant's id. */
  async function requireSite(accountId: string, siteId: string | undefined): Promise<void> {
    if (!siteId) return;
    if (!(await sites.siteExists(accountId, siteId))) throw errors.notFound('Site', siteId);
  }

  return {
    /** The account's credits. */
    async balance(accountId: string): Promise<number> {
      return data.readBalance(accountId);
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
