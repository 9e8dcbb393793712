import type {
  TAutomationRunStatus,
  TAutomationStopReason,
  TSiteOverview,
  TSitesOverviewPage,
  TSitesOverviewQuery,
} from '@igny8/shared';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { monthStart } from '../billing/site-budget.ts';
import { errors } from '../../errors.ts';
import { siteOverviewRows, sitesData, type SiteOverviewRow } from './data.ts';

/** Failed jobs count toward a site's "failed jobs" for this long. */
const FAILURE_WINDOW_DAYS = 30;

function overviewView(row: SiteOverviewRow): TSiteOverview {
  const connected = row.connectionStatus === 'connected';
  const creditsThisMonth = Number(row.creditsThisMonth);
  const budget = row.monthlyCreditBudget;
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    connectionState: row.connectionStatus ?? 'never',
    health: connected ? row.health : null,
    healthDetail: connected ? row.healthDetail : null,
    healthCheckedAt: iso(row.healthCheckedAt),
    lastContactAt: iso(row.lastContactAt),
    wpVersion: row.wpVersion,
    pluginVersion: row.pluginVersion,
    phpVersion: row.phpVersion,
    keywords: Number(row.keywords),
    clusters: Number(row.clusters),
    ideasToReview: Number(row.ideasToReview),
    drafts: Number(row.drafts),
    publishedThisMonth: Number(row.publishedThisMonth),
    creditsThisMonth,
    monthlyCreditBudget: budget,
    budgetRemaining: budget === null ? null : Math.max(0, budget - creditsThisMonth - Number(row.reserved)),
    lastPublishedAt: iso(row.lastPublishedAt),
    failedJobs: Number(row.failedJobs),
    automation: {
      scheduleEnabled: row.automationScheduleEnabled,
      activeRunStatus: row.automationActiveStatus as TAutomationRunStatus | null,
      lastStopReason: row.automationLastStopReason as TAutomationStopReason | null,
      lastEndedAt: iso(row.automationLastEndedAt),
    },
    createdAt: iso(row.createdAt),
  };
}

/** The agency view: one row per site of the account, searched, filtered, sorted and paged by the database. */
export function createSitesOverview({ prisma }: { prisma: PrismaClient }) {
  return {
    async overview(auth: AuthContext, query: TSitesOverviewQuery, now = new Date()): Promise<TSitesOverviewPage> {
      const since = { month: monthStart(now), failures: new Date(now.getTime() - FAILURE_WINDOW_DAYS * 86_400_000) };
      let rows = await siteOverviewRows(prisma, auth.accountId, query, since);
      if (query.siteId && !rows.length && !(await sitesData(prisma).siteExists(auth.accountId, query.siteId))) {
        throw errors.notFound('Site', query.siteId);
      }
      let total = rows.length ? Number(rows[0]!.total) : 0;
      // A page past the end has no row to carry the count: ask for the first page's to say how many there are.
      if (!rows.length && query.page > 1) {
        const first = await siteOverviewRows(prisma, auth.accountId, { ...query, page: 1, perPage: 1 }, since);
        total = first.length ? Number(first[0]!.total) : 0;
        rows = [];
      }
      return {
        items: rows.map(overviewView),
        total,
        page: query.page,
        perPage: query.perPage,
        totalPages: Math.max(1, Math.ceil(total / query.perPage)),
      };
    },
  };
}
