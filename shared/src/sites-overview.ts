import { z } from 'zod';
import { ZAutomationRunStatus, ZAutomationStopReason } from './automation.ts';

/**
 * Contract of the agency view: every site of the account with its connection, pipeline and spending this month
 * (GET /sites/overview), bulk actions on chosen sites (POST /sites/bulk), and a site's monthly credit budget as the
 * estimates show it. "This month" is the calendar month in UTC, the same month the budget counts.
 */

export const SITE_HEALTHS = ['ok', 'unknown', 'unreachable', 'error'] as const;
export const ZSiteHealth = z.enum(SITE_HEALTHS);
export type TSiteHealth = z.infer<typeof ZSiteHealth>;

/** connected; disconnected (it was connected once); never (a site record no plugin has connected yet). */
export const CONNECTION_STATES = ['connected', 'disconnected', 'never'] as const;
export const ZConnectionState = z.enum(CONNECTION_STATES);
export type TConnectionState = z.infer<typeof ZConnectionState>;

/** What the overview can be sorted by (a column of the table). */
export const SITE_OVERVIEW_SORTS = [
  'name',
  'url',
  'health',
  'keywords',
  'clusters',
  'ideasToReview',
  'drafts',
  'publishedThisMonth',
  'creditsThisMonth',
  'lastPublishedAt',
  'failedJobs',
  'lastContactAt',
  'createdAt',
] as const;
export const ZSiteOverviewSort = z.enum(SITE_OVERVIEW_SORTS);
export type TSiteOverviewSort = z.infer<typeof ZSiteOverviewSort>;

/** "a,b,c" (or one value) -> the values, each checked against `values`. */
function listOf<T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .max(200)
    .transform((raw) =>
      raw
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values, { message: `must be one or more of ${values.join(', ')} (comma-separated)` })));
}

/** The overview's query, shaped like a DataViews view: search, filters, sort and a page. */
export const ZSitesOverviewQuery = z.object({
  /** Only this site (its page); a site of another account is 404. */
  siteId: z.uuid({ message: 'must be a site id (UUID)' }).optional(),
  /** Case-insensitive search in the site's name and address. */
  q: z.string().trim().max(200).optional(),
  /** Connected sites whose last check found this health (comma-separated). */
  health: listOf(SITE_HEALTHS).optional(),
  /** Sites in this connection state (comma-separated). */
  connection: listOf(CONNECTION_STATES).optional(),
  /** true: only sites with failed jobs in the last 30 days; false: only sites without. */
  hasFailedJobs: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  sort: ZSiteOverviewSort.default('name'),
  order: z.enum(['asc', 'desc'], { message: 'must be asc or desc' }).default('asc'),
  page: z.coerce.number().int().min(1).default(1),
  perPage: z.coerce.number().int().min(1).max(100).default(25),
});
export type TSitesOverviewQuery = z.infer<typeof ZSitesOverviewQuery>;

export const ZSiteOverview = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  connectionState: ZConnectionState,
  /** The last check's health while connected; null when not connected. */
  health: ZSiteHealth.nullable(),
  /** Why the last check failed, in the product's words (null when it did not). */
  healthDetail: z.string().nullable(),
  healthCheckedAt: z.string().nullable(),
  /** The last signed contact with the plugin (heartbeat, check or handshake). */
  lastContactAt: z.string().nullable(),
  wpVersion: z.string().nullable(),
  pluginVersion: z.string().nullable(),
  phpVersion: z.string().nullable(),
  keywords: z.number().int(),
  clusters: z.number().int(),
  /** Ideas waiting for approval or rejection (status new). */
  ideasToReview: z.number().int(),
  /** Articles written and not yet published (tasks written, in review or approved). */
  drafts: z.number().int(),
  publishedThisMonth: z.number().int(),
  /** Credits the site's runs used this month (captured, less refunds). */
  creditsThisMonth: z.number().int(),
  monthlyCreditBudget: z.number().int().nullable(),
  /** The budget less what was used and what open runs hold; null without a budget. */
  budgetRemaining: z.number().int().nullable(),
  lastPublishedAt: z.string().nullable(),
  /** Jobs of the site that failed in the last 30 days. */
  failedJobs: z.number().int(),
  /** Automation on the site at a glance (the site page shows the rest). */
  automation: z.object({
    /** Runs start by themselves on the site's schedule. */
    scheduleEnabled: z.boolean(),
    /** The status of the run in progress (queued, running, pausing, paused or cancelling); null when none is. */
    activeRunStatus: ZAutomationRunStatus.nullable(),
    /** Why the last run that ended stopped; null when no run has ended yet. */
    lastStopReason: ZAutomationStopReason.nullable(),
    lastEndedAt: z.string().nullable(),
  }),
  createdAt: z.string(),
});
export type TSiteOverview = z.infer<typeof ZSiteOverview>;

export const ZSitesOverviewPage = z.object({
  items: z.array(ZSiteOverview),
  /** Sites matching the search and filters (all pages). */
  total: z.number().int(),
  page: z.number().int(),
  perPage: z.number().int(),
  totalPages: z.number().int(),
});
export type TSitesOverviewPage = z.infer<typeof ZSitesOverviewPage>;

/**
 * check_connection and disconnect: every id must be a site of the account, else 404 and nothing is done.
 * automation_start (Run now) and automation_pause (pause the run in progress): a site that is not found, or whose
 * run cannot start or pause, gets its own failed result and the others go ahead.
 */
export const SITE_BULK_ACTIONS = ['check_connection', 'disconnect', 'automation_start', 'automation_pause'] as const;
export const ZSiteBulkAction = z.enum(SITE_BULK_ACTIONS);
export type TSiteBulkAction = z.infer<typeof ZSiteBulkAction>;

export const ZSitesBulkBody = z.strictObject({
  action: ZSiteBulkAction,
  siteIds: z
    .array(z.uuid({ message: 'must be a site id (UUID)' }))
    .min(1, { message: 'must name at least one site' })
    .max(100, { message: 'must name at most 100 sites' }),
});
export type TSitesBulkBody = z.infer<typeof ZSitesBulkBody>;

export const ZSiteBulkResult = z.object({
  siteId: z.uuid(),
  name: z.string(),
  ok: z.boolean(),
  /** What happened to this site, in the product's words. */
  message: z.string(),
  /** check_connection: the health found. */
  health: ZSiteHealth.optional(),
  /** automation_start and automation_pause: the run started or paused. */
  runId: z.uuid().optional(),
});
export type TSiteBulkResult = z.infer<typeof ZSiteBulkResult>;

export const ZSitesBulkResult = z.object({
  action: ZSiteBulkAction,
  results: z.array(ZSiteBulkResult),
  succeeded: z.number().int(),
  failed: z.number().int(),
});
export type TSitesBulkResult = z.infer<typeof ZSitesBulkResult>;

/** A site's monthly budget as an estimate shows it (only when the site has one). */
export const ZSiteBudget = z.object({
  siteId: z.uuid(),
  siteName: z.string(),
  budget: z.number().int(),
  /** Captured this month, less refunds. */
  used: z.number().int(),
  /** Held by runs still going. */
  reserved: z.number().int(),
  /** budget - used - reserved, never below 0. */
  remaining: z.number().int(),
});
export type TSiteBudget = z.infer<typeof ZSiteBudget>;
