import { z } from 'zod';
import { ZPageQuery } from './envelope.ts';

/** Contract of the planner's keyword list, edits, bulk actions and export, and of the site posts it checks. */

export const KEYWORD_INTENTS = ['informational', 'commercial', 'transactional', 'navigational'] as const;
export const ZKeywordIntent = z.enum(KEYWORD_INTENTS);
export type TKeywordIntent = z.infer<typeof ZKeywordIntent>;

export const KEYWORD_STATUSES = ['new', 'clustered', 'queued', 'used', 'ignored'] as const;
export const ZKeywordStatus = z.enum(KEYWORD_STATUSES);
export type TKeywordStatus = z.infer<typeof ZKeywordStatus>;

/** `-` first means descending. Keywords without a volume or difficulty come last in both directions. */
export const KEYWORD_SORTS = [
  'volume',
  '-volume',
  'difficulty',
  '-difficulty',
  'keyword',
  '-keyword',
  'newest',
] as const;
export const ZKeywordSort = z.enum(KEYWORD_SORTS);
export type TKeywordSort = z.infer<typeof ZKeywordSort>;

const uuid = (what: string) => z.uuid({ message: `must be a ${what} id (UUID)` });
const count = z.coerce.number().int().min(0);
const score = z.coerce.number().int().min(0).max(100);

/** Which keywords of a site: every filter is optional and they combine with AND. */
export const ZKeywordFilter = z.object({
  sectorId: uuid('sector').optional(),
  status: ZKeywordStatus.optional(),
  /** A cluster id, or "none" for keywords in no cluster. */
  clusterId: z.union([z.literal('none'), uuid('cluster')]).optional(),
  intent: ZKeywordIntent.optional(),
  minVolume: count.optional(),
  maxVolume: count.optional(),
  minDifficulty: score.optional(),
  maxDifficulty: score.optional(),
  /** Case-insensitive text search in the keyword. */
  q: z.string().trim().min(1).max(200).optional(),
});
export type TKeywordFilter = z.infer<typeof ZKeywordFilter>;

export const ZKeywordsQuery = ZKeywordFilter.extend({
  siteId: uuid('site'),
  sort: ZKeywordSort.default('-volume'),
}).extend(ZPageQuery.shape);
export type TKeywordsQuery = z.infer<typeof ZKeywordsQuery>;

export const ZKeywordsExportQuery = ZKeywordFilter.extend({
  siteId: uuid('site'),
  sort: ZKeywordSort.default('-volume'),
});
export type TKeywordsExportQuery = z.infer<typeof ZKeywordsExportQuery>;

export const ZKeywordsCountQuery = ZKeywordFilter.extend({ siteId: uuid('site') });
export type TKeywordsCountQuery = z.infer<typeof ZKeywordsCountQuery>;

export const ZKeyword = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  keyword: z.string(),
  normalized: z.string(),
  volume: z.number().int().nullable(),
  difficulty: z.number().int().nullable(),
  cpc: z.number().nullable(),
  intent: ZKeywordIntent,
  intentInferred: z.boolean(),
  status: ZKeywordStatus,
  source: z.string(),
  clusterId: z.uuid().nullable(),
  clusterName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TKeyword = z.infer<typeof ZKeyword>;

export const ZKeywordParams = z.object({ keywordId: uuid('keyword') });

export const ZNewKeyword = z.object({
  keyword: z.string().trim().min(1, { message: 'must not be empty' }).max(200),
  volume: z.number().int().min(0).nullable().optional(),
  difficulty: z.number().int().min(0).max(100).nullable().optional(),
  cpc: z.number().min(0).nullable().optional(),
  /** Guessed from the wording when absent. */
  intent: ZKeywordIntent.optional(),
});

export const ZAddKeywordsBody = z.object({
  siteId: uuid('site'),
  sectorId: uuid('sector'),
  keywords: z
    .array(ZNewKeyword)
    .min(1)
    .max(1000, { message: 'at most 1000 keywords at a time: import a file for more' }),
});
export type TAddKeywordsBody = z.infer<typeof ZAddKeywordsBody>;

export const ZAddKeywordsResult = z.object({
  created: z.array(ZKeyword),
  /** Rows not added, by their index in `keywords`: already in the sector, or repeated in the request. */
  skipped: z.array(z.object({ index: z.number().int(), keyword: z.string(), reason: z.string() })),
});

export const ZUpdateKeywordBody = z
  .object({
    volume: z.number().int().min(0).nullable(),
    difficulty: z.number().int().min(0).max(100).nullable(),
    cpc: z.number().min(0).nullable(),
    intent: ZKeywordIntent,
    status: ZKeywordStatus,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, {
    message: 'give at least one of volume, difficulty, cpc, intent, status',
  });
export type TUpdateKeywordBody = z.infer<typeof ZUpdateKeywordBody>;

export const KEYWORD_BULK_ACTIONS = ['delete', 'set_status', 'assign_cluster', 'unassign_cluster'] as const;
export const KEYWORD_BULK_MAX = 10_000;

export const ZKeywordBulkBody = z
  .object({
    siteId: uuid('site'),
    action: z.enum(KEYWORD_BULK_ACTIONS),
    /** The keywords to act on, or `filter` for every keyword of the site the list filters would show. */
    keywordIds: z.array(uuid('keyword')).min(1).max(KEYWORD_BULK_MAX).optional(),
    filter: ZKeywordFilter.optional(),
    /** For set_status. */
    status: ZKeywordStatus.optional(),
    /** For assign_cluster: a cluster of the same site and sector as the keywords. */
    clusterId: uuid('cluster').optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.keywordIds === undefined) === (b.filter === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['keywordIds'], message: 'give either keywordIds or filter (one of them)' });
    }
    if (b.action === 'set_status' && !b.status) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'is required for set_status' });
    }
    if (b.action === 'assign_cluster' && !b.clusterId) {
      ctx.addIssue({ code: 'custom', path: ['clusterId'], message: 'is required for assign_cluster' });
    }
  });
export type TKeywordBulkBody = z.infer<typeof ZKeywordBulkBody>;

export const ZKeywordBulkResult = z.object({ affected: z.number().int() });
export type TKeywordBulkResult = z.infer<typeof ZKeywordBulkResult>;
export const ZKeywordCount = z.object({ total: z.number().int() });
export type TKeywordCount = z.infer<typeof ZKeywordCount>;

/** A post or page already on the connected site (synced from WordPress) for the cannibalization check. */
export const ZSitePost = z.object({
  id: z.uuid(),
  wpPostId: z.number().int(),
  type: z.string(),
  title: z.string(),
  slug: z.string(),
  url: z.string(),
  status: z.string(),
  syncedAt: z.string(),
});
export type TSitePost = z.infer<typeof ZSitePost>;
