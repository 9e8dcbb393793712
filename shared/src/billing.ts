import { z } from 'zod';
import { ZPageQuery } from './envelope.ts';

/**
 * Credits: an append-only ledger. A hold removes credits up front; its settlement captures what was used (never more
 * than held) and releases the rest. The balance is the sum of the entries and never goes below zero.
 */

export const CREDIT_ENTRY_KINDS = ['grant', 'purchase', 'hold', 'capture', 'release', 'refund', 'adjustment'] as const;
export const ZCreditEntryKind = z.enum(CREDIT_ENTRY_KINDS);
export type TCreditEntryKind = z.infer<typeof ZCreditEntryKind>;

/** Kinds an operator can add by hand: an adjustment may also be negative (never below a zero balance). */
export const GRANT_KINDS = ['grant', 'purchase', 'adjustment'] as const;
export const ZGrantKind = z.enum(GRANT_KINDS);
export type TGrantKind = z.infer<typeof ZGrantKind>;

/**
 * The balance, and the account's low-balance threshold (null: none set). `low` is true when a threshold is set and
 * the balance is under it.
 */
export const ZCreditBalance = z.object({
  balance: z.number().int(),
  lowBalanceThreshold: z.number().int().nullable().optional(),
  low: z.boolean().optional(),
});
export type TCreditBalance = z.infer<typeof ZCreditBalance>;

/** One ledger entry, as the account's transaction history shows it. */
export const ZCreditEntry = z.object({
  id: z.uuid(),
  kind: ZCreditEntryKind,
  /** Signed change of the balance: holds remove, grants, purchases, releases and refunds add, captures are 0. */
  amount: z.number().int(),
  /** On a capture: the credits the operation used (its hold's amount minus the release); null otherwise. */
  credits: z.number().int().nullable(),
  holdId: z.uuid().nullable(),
  operation: z.string().nullable(),
  siteId: z.uuid().nullable(),
  jobRunId: z.uuid().nullable(),
  model: z.string().nullable(),
  usage: z.record(z.string(), z.unknown()).nullable(),
  note: z.string(),
  createdAt: z.string(),
});
export type TCreditEntry = z.infer<typeof ZCreditEntry>;

const ZSiteFilter = z.uuid({ message: 'must be a site id (UUID)' }).optional();

/** `siteId`: only entries about this site (a connected WordPress site always sees only its own). */
export const ZCreditTransactionsQuery = ZPageQuery.extend({ kind: ZCreditEntryKind.optional(), siteId: ZSiteFilter });
export type TCreditTransactionsQuery = z.infer<typeof ZCreditTransactionsQuery>;

export const USAGE_GROUP_BY = ['operation', 'site', 'model', 'day'] as const;
export const ZUsageGroupBy = z.enum(USAGE_GROUP_BY);
export type TUsageGroupBy = z.infer<typeof ZUsageGroupBy>;

const DAY_MS = 86_400_000;
/** The longest range a usage report covers. */
export const USAGE_MAX_DAYS = 366;
export const USAGE_DEFAULT_DAYS = 30;

/** "2026-03-01" (midnight UTC) or a full ISO 8601 date-time with an offset. */
const ZDateParam = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'must be an ISO 8601 date ("2026-03-01") or date-time ("2026-03-01T12:00:00Z")',
  })
  .transform((value) => new Date(value));

/**
 * Usage in [from, to): `to` defaults to now, `from` to 30 days before `to`; at most 366 days apart. `siteId`: only
 * that site's usage (a connected WordPress site always sees only its own).
 */
export const ZUsageQuery = z
  .object({
    from: ZDateParam.optional(),
    to: ZDateParam.optional(),
    groupBy: ZUsageGroupBy.default('operation'),
    siteId: ZSiteFilter,
  })
  .transform((query, ctx) => {
    const to = query.to ?? new Date();
    const from = query.from ?? new Date(to.getTime() - USAGE_DEFAULT_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before "to"' });
      return z.NEVER;
    }
    if (to.getTime() - from.getTime() > USAGE_MAX_DAYS * DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${USAGE_MAX_DAYS} days after "from"` });
      return z.NEVER;
    }
    return { from, to, groupBy: query.groupBy, ...(query.siteId ? { siteId: query.siteId } : {}) };
  });
export type TUsageQuery = z.output<typeof ZUsageQuery>;

export const ZUsageGroup = z.object({
  /** The operation, site id, model ("provider/model") or UTC day ("YYYY-MM-DD"); null: none recorded. */
  key: z.string().nullable(),
  /** Credits captured. */
  credits: z.number().int(),
  /** Operations that used credits. */
  count: z.number().int(),
});
export type TUsageGroup = z.infer<typeof ZUsageGroup>;

/**
 * What a report counts: the capture entries of [from, to), each the credits one operation used when its hold was
 * settled. A hold takes its estimate off the balance and its settlement gives back all but what was captured, so
 * once the holds of a window are settled, the balance fell by exactly `total.credits` for that work (grants,
 * purchases, adjustments and refunds aside; refunds are not subtracted here). Credits still held by running work
 * are off the balance but in no report until settled.
 */
export const ZUsageReport = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: ZUsageGroupBy,
  total: z.object({ credits: z.number().int(), count: z.number().int() }),
  /** Most credits first; by day: in date order. */
  groups: z.array(ZUsageGroup),
});
export type TUsageReport = z.infer<typeof ZUsageReport>;

export const ZGrantBody = z.strictObject({
  accountId: z.uuid({ message: 'must be an account id (UUID)' }),
  amount: z.number().int().min(1).max(10_000_000),
  kind: ZGrantKind.default('grant'),
  note: z.string().trim().min(1).max(500),
});
export type TGrantBody = z.infer<typeof ZGrantBody>;

export const ZGrantResult = z.object({ entry: ZCreditEntry, balance: z.number().int() });
export type TGrantResult = z.infer<typeof ZGrantResult>;

/** PATCH /billing/settings (owners and admins): the low-balance threshold in credits; null removes it. */
export const ZBillingSettingsBody = z.strictObject({
  lowBalanceThreshold: z
    .number({ error: 'must be a whole number of credits, or null for none' })
    .int({ error: 'must be a whole number of credits, or null for none' })
    .min(0)
    .max(100_000_000)
    .nullable(),
});
export type TBillingSettingsBody = z.infer<typeof ZBillingSettingsBody>;

export const USAGE_SERIES_DAYS = [30, 90] as const;

/** GET /billing/usage/daily: credits per day of the last `days` days, one series per site or per operation. */
export const ZUsageDailyQuery = z.object({
  days: z.coerce
    .number()
    .refine((d) => (USAGE_SERIES_DAYS as readonly number[]).includes(d), { message: 'must be 30 or 90' })
    .default(30),
  groupBy: z.enum(['site', 'operation']).default('site'),
  siteId: ZSiteFilter,
});
export type TUsageDailyQuery = z.infer<typeof ZUsageDailyQuery>;

export const ZUsageSeries = z.object({
  /** The site id or the operation; null: usage recorded without one. */
  key: z.string().nullable(),
  /** The site's name or the operation's label. */
  label: z.string(),
  /** Credits used each day, in the order of `days` (0 on a day without usage). */
  credits: z.array(z.number().int()),
  total: z.number().int(),
});
export type TUsageSeries = z.infer<typeof ZUsageSeries>;

/**
 * Credits captured per day (the same entries as ZUsageReport counts), oldest day first, today included. Days are
 * calendar days in `timeZone` (the account's, else UTC).
 */
export const ZUsageDaily = z.object({
  timeZone: z.string(),
  groupBy: z.enum(['site', 'operation']),
  /** "YYYY-MM-DD", oldest first. */
  days: z.array(z.string()),
  /** Most credits first. */
  series: z.array(ZUsageSeries),
  /** Per day, all series together. */
  totals: z.array(z.number().int()),
  total: z.number().int(),
});
export type TUsageDaily = z.infer<typeof ZUsageDaily>;
