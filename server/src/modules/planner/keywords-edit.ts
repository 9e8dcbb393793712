import type { TAddKeywordsBody, TKeywordBulkBody, TUpdateKeywordBody } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { PlannerData } from './data/index.ts';
import type { KeywordTarget } from './data/keywords.ts';
import { checkRanges, findSite, keywordView } from './keywords-read.ts';
import { inferIntent, normalizeKeyword } from './normalize.ts';

/** Adds, edits and deletes keywords, one by one or in bulk. */
export function createKeywordsEditService({ data }: { data: PlannerData }) {
  async function findKeyword(auth: AuthContext, keywordId: string) {
    const keyword = await data.keywords.findKeyword(auth.accountId, keywordId);
    if (!keyword) throw errors.notFound('Keyword', keywordId);
    return keyword;
  }

  return {
    /** Keywords typed in by hand: new ones are added (source "manual"), ones the sector already has are skipped. */
    async add(auth: AuthContext, body: TAddKeywordsBody) {
      const sector = await data.scope.findSectorSite(auth.accountId, body.sectorId);
      await findSite(data, auth, body.siteId);
      if (!sector) throw errors.notFound('Sector', body.sectorId);
      if (sector.siteId !== body.siteId) {
        throw errors.validation([{ in: 'body', field: 'sectorId', message: `is not a sector of site ${body.siteId}` }]);
      }
      const skipped: { index: number; keyword: string; reason: string }[] = [];
      const firstIndex = new Map<string, number>();
      const rows: Prisma.KeywordCreateManyInput[] = [];
      body.keywords.forEach((k, index) => {
        const normalized = normalizeKeyword(k.keyword);
        const first = firstIndex.get(normalized);
        if (first !== undefined) {
          skipped.push({
            index,
            keyword: k.keyword,
            reason: `repeats row ${first} ("${body.keywords[first]!.keyword}")`,
          });
          return;
        }
        firstIndex.set(normalized, index);
        rows.push({
          accountId: auth.accountId,
          siteId: body.siteId,
          sectorId: body.sectorId,
          keyword: k.keyword,
          normalized,
          volume: k.volume ?? null,
          difficulty: k.difficulty ?? null,
          cpc: k.cpc ?? null,
          intent: k.intent ?? inferIntent(normalized),
          intentInferred: k.intent === undefined,
          source: 'manual',
        });
      });
      const created = await data.keywords.createMany(rows);
      const createdSet = new Set(created.map((c) => c.normalized));
      for (const [normalized, index] of firstIndex) {
        if (!createdSet.has(normalized)) {
          skipped.push({ index, keyword: body.keywords[index]!.keyword, reason: 'is already in this sector' });
        }
      }
      skipped.sort((a, b) => a.index - b.index);
      const views = created.length ? await data.keywords.rows(created.map((c) => c.id)) : [];
      return { created: views.map(keywordView), skipped };
    },

    async update(auth: AuthContext, keywordId: string, body: TUpdateKeywordBody) {
      const keyword = await findKeyword(auth, keywordId);
      return data.transaction(async (d) => {
        await d.keywords.update(keyword.id, body);
        if (keyword.clusterId) await d.keywords.recompute([keyword.clusterId]);
        return keywordView(await d.keywords.row(keyword.id));
      });
    },

    async remove(auth: AuthContext, keywordId: string) {
      const keyword = await findKeyword(auth, keywordId);
      await data.transaction(async (d) => {
        await d.keywords.delete(keyword.id);
        if (keyword.clusterId) await d.keywords.recompute([keyword.clusterId]);
      });
    },

    /**
     * One action on many keywords, in one transaction, cluster metrics recomputed. Listed ids must all be keywords
     * of the site (404 naming the first that is not, and nothing is changed); a filter acts on what the list shows.
     */
    async bulk(auth: AuthContext, body: TKeywordBulkBody) {
      await findSite(data, auth, body.siteId);
      let target: KeywordTarget;
      if (body.keywordIds) {
        const ids = [...new Set(body.keywordIds)];
        const found = await data.keywords.siteKeywordIds(body.siteId, ids);
        if (found.length < ids.length) {
          const have = new Set(found.map((f) => f.id));
          const missing = ids.filter((id) => !have.has(id));
          throw new AppError(
            'NOT_FOUND',
            `Keyword ${missing[0]} was not found in this site${missing.length > 1 ? ` (nor ${missing.length - 1} more)` : ''}: nothing was changed.`,
            { missing: missing.slice(0, 20) },
          );
        }
        target = { siteId: body.siteId, ids };
      } else {
        checkRanges(body.filter!, 'filter.');
        target = { siteId: body.siteId, filter: body.filter! };
      }

      return data.transaction(
        async (d) => {
          let newCluster: string | null = null;
          if (body.action === 'assign_cluster') {
            const cluster = await d.keywords.findSiteCluster(auth.accountId, body.siteId, body.clusterId!);
            if (!cluster) throw errors.notFound('Cluster', body.clusterId!);
            const other = await d.keywords.countOutsideSector(target, cluster.sectorId);
            if (other > 0) {
              throw errors.validation([
                {
                  in: 'body',
                  field: 'clusterId',
                  message: `cluster "${cluster.name}" is in another sector than ${other} of these keywords: a cluster only holds keywords of its own sector`,
                },
              ]);
            }
            newCluster = cluster.id;
          }
          const touched = body.action === 'set_status' ? [] : await d.keywords.clustersOf(target);
          let affected: number;
          switch (body.action) {
            case 'delete':
              affected = await d.keywords.deleteTarget(target);
              break;
            case 'set_status':
              affected = await d.keywords.setStatus(target, body.status!);
              break;
            case 'assign_cluster':
              // New keywords become clustered; queued, used or ignored ones keep their status.
              affected = await d.keywords.assignCluster(target, newCluster!);
              break;
            case 'unassign_cluster':
              affected = await d.keywords.unassignCluster(target);
              break;
          }
          await d.keywords.recompute(newCluster ? [...touched, newCluster] : touched);
          return { affected };
        },
        { timeout: 120_000, maxWait: 10_000 },
      );
    },
  };
}

export type KeywordsEditService = ReturnType<typeof createKeywordsEditService>;
