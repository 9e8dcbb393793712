import type { TKeyword, TKeywordFilter, TKeywordSort, TKeywordsQuery } from '@igny8/shared';
import { errors } from '../../errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { PlannerData } from './data/index.ts';
import type { KeywordRow } from './data/keyword-page.ts';

export function keywordView(row: KeywordRow): TKeyword {
  return {
    id: row.id,
    siteId: row.siteId,
    sectorId: row.sectorId,
    keyword: row.keyword,
    normalized: row.normalized,
    volume: row.volume,
    difficulty: row.difficulty,
    cpc: row.cpc,
    intent: row.intent,
    intentInferred: row.intentInferred,
    status: row.status,
    source: row.source,
    clusterId: row.clusterId,
    clusterName: row.clusterName,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The range filters make sense (a minimum not over its maximum). */
export function checkRanges(f: TKeywordFilter, prefix = '') {
  const fields: { in: string; field: string; message: string }[] = [];
  if (f.minVolume !== undefined && f.maxVolume !== undefined && f.minVolume > f.maxVolume) {
    fields.push({ in: 'query', field: `${prefix}maxVolume`, message: 'must not be less than minVolume' });
  }
  if (f.minDifficulty !== undefined && f.maxDifficulty !== undefined && f.minDifficulty > f.maxDifficulty) {
    fields.push({ in: 'query', field: `${prefix}maxDifficulty`, message: 'must not be less than minDifficulty' });
  }
  if (fields.length) throw errors.validation(fields);
}

/** The account's site (404 otherwise). */
export async function findSite(data: PlannerData, auth: AuthContext, siteId: string) {
  const site = await data.scope.findSite(auth.accountId, siteId);
  if (!site) throw errors.notFound('Site', siteId);
  return site;
}

/** Lists, counts and streams a site's keywords. */
export function createKeywordsReadService({ data }: { data: PlannerData }) {
  return {
    async list(auth: AuthContext, query: TKeywordsQuery) {
      await findSite(data, auth, query.siteId);
      checkRanges(query);
      const page = await data.keywords.page(query.siteId, query, query.sort, query.limit, query.cursor);
      return { items: page.rows.map(keywordView), nextCursor: page.nextCursor };
    },

    async count(auth: AuthContext, query: TKeywordFilter & { siteId: string }) {
      await findSite(data, auth, query.siteId);
      checkRanges(query);
      return { total: await data.keywords.count(query.siteId, query) };
    },

    /** Every matching keyword in the list's order, fetched in keyset batches (never all in memory). */
    async *stream(auth: AuthContext, query: TKeywordFilter & { siteId: string; sort: TKeywordSort }, batch = 2000) {
      await findSite(data, auth, query.siteId);
      checkRanges(query);
      let cursor: string | undefined;
      do {
        const page = await data.keywords.page(query.siteId, query, query.sort, batch, cursor);
        for (const row of page.rows) yield row;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
  };
}

export type KeywordsReadService = ReturnType<typeof createKeywordsReadService>;
