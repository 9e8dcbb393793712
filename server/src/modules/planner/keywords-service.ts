import type {
  TAddKeywordsBody,
  TKeyword,
  TKeywordBulkBody,
  TKeywordFilter,
  TKeywordSort,
  TKeywordsQuery,
  TUpdateKeywordBody,
} from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import { Prisma, type PrismaClient } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { recomputeClusters } from './cluster-metrics.ts';
import { inferIntent, normalizeKeyword } from './normalize.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/** One keyword row as the list query selects it. */
interface KeywordRow {
  id: string;
  siteId: string;
  sectorId: string;
  keyword: string;
  normalized: string;
  volume: number | null;
  difficulty: number | null;
  cpc: number | null;
  intent: TKeyword['intent'];
  intentInferred: boolean;
  status: TKeyword['status'];
  source: string;
  clusterId: string | null;
  clusterName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

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

/**
 * Sort orders of the list. Ties are broken by id in the same direction, so (column, id) is a total order and keyset
 * pagination neither repeats nor skips rows. NULLs (no volume or difficulty) come after every value in both
 * directions: the page walks the rows with a value first, then the rows without one (ordered by id).
 */
interface SortSpec {
  column: 'volume' | 'difficulty' | 'normalized' | 'createdAt';
  cast: Prisma.Sql;
  desc: boolean;
  nullable: boolean;
}

const SORTS: Record<TKeywordSort, SortSpec> = {
  volume: { column: 'volume', cast: Prisma.sql`int`, desc: false, nullable: true },
  '-volume': { column: 'volume', cast: Prisma.sql`int`, desc: true, nullable: true },
  difficulty: { column: 'difficulty', cast: Prisma.sql`int`, desc: false, nullable: true },
  '-difficulty': { column: 'difficulty', cast: Prisma.sql`int`, desc: true, nullable: true },
  keyword: { column: 'normalized', cast: Prisma.sql`text`, desc: false, nullable: false },
  '-keyword': { column: 'normalized', cast: Prisma.sql`text`, desc: true, nullable: false },
  newest: { column: 'createdAt', cast: Prisma.sql`timestamptz`, desc: true, nullable: false },
};

/** Where a page ended: the sort it belongs to, the last row's sort value (null in the no-value part) and id. */
interface KeysetCursor {
  sort: TKeywordSort;
  value: number | string | null;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeKeysetCursor(c: KeysetCursor): string {
  return Buffer.from(JSON.stringify([1, c.sort, c.value, c.id])).toString('base64url');
}

export function decodeKeysetCursor(raw: string, sort: TKeywordSort): KeysetCursor {
  const invalid = () =>
    errors.badRequest('The cursor is not valid: pass back nextCursor from the previous page unchanged.', {
      field: 'cursor',
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== 1) throw invalid();
  const [, cursorSort, value, id] = parsed as [number, unknown, unknown, unknown];
  if (typeof cursorSort !== 'string' || !(cursorSort in SORTS) || typeof id !== 'string' || !UUID.test(id)) {
    throw invalid();
  }
  if (cursorSort !== sort) {
    throw errors.badRequest(
      `This cursor belongs to the list sorted by "${cursorSort}", not "${sort}": start again without a cursor when changing the sort.`,
      { field: 'cursor' },
    );
  }
  const spec = SORTS[sort];
  const valueOk =
    value === null
      ? spec.nullable
      : spec.column === 'volume' || spec.column === 'difficulty'
        ? Number.isInteger(value)
        : spec.column === 'createdAt'
          ? typeof value === 'string' && !Number.isNaN(Date.parse(value))
          : typeof value === 'string';
  if (!valueOk) throw invalid();
  return { sort, value: value as number | string | null, id };
}

/** SQL conditions on "Keyword" k for the list filters (the site is checked by the caller). */
export function filterSql(siteId: string, f: TKeywordFilter): Prisma.Sql {
  const where: Prisma.Sql[] = [Prisma.sql`k."siteId" = ${siteId}::uuid`];
  if (f.sectorId) where.push(Prisma.sql`k."sectorId" = ${f.sectorId}::uuid`);
  if (f.status) where.push(Prisma.sql`k.status = ${f.status}::"KeywordStatus"`);
  if (f.clusterId === 'none') where.push(Prisma.sql`k."clusterId" IS NULL`);
  else if (f.clusterId) where.push(Prisma.sql`k."clusterId" = ${f.clusterId}::uuid`);
  if (f.intent) where.push(Prisma.sql`k.intent = ${f.intent}::"KeywordIntent"`);
  if (f.minVolume !== undefined) where.push(Prisma.sql`k.volume >= ${f.minVolume}::int`);
  if (f.maxVolume !== undefined) where.push(Prisma.sql`k.volume <= ${f.maxVolume}::int`);
  if (f.minDifficulty !== undefined) where.push(Prisma.sql`k.difficulty >= ${f.minDifficulty}::int`);
  if (f.maxDifficulty !== undefined) where.push(Prisma.sql`k.difficulty <= ${f.maxDifficulty}::int`);
  // Keywords are stored normalized (lower case, NFC, single spaces): normalize the search the same way.
  if (f.q) where.push(Prisma.sql`strpos(k.normalized, ${normalizeKeyword(f.q)}) > 0`);
  return Prisma.join(where, ' AND ');
}

function checkRanges(f: TKeywordFilter, prefix = '') {
  const fields: { in: string; field: string; message: string }[] = [];
  if (f.minVolume !== undefined && f.maxVolume !== undefined && f.minVolume > f.maxVolume) {
    fields.push({ in: 'query', field: `${prefix}maxVolume`, message: 'must not be less than minVolume' });
  }
  if (f.minDifficulty !== undefined && f.maxDifficulty !== undefined && f.minDifficulty > f.maxDifficulty) {
    fields.push({ in: 'query', field: `${prefix}maxDifficulty`, message: 'must not be less than minDifficulty' });
  }
  if (fields.length) throw errors.validation(fields);
}

const SELECT = Prisma.sql`
  SELECT k.id, k."siteId", k."sectorId", k.keyword, k.normalized, k.volume, k.difficulty, k.cpc,
         k.intent::text AS intent, k."intentInferred", k.status::text AS status, k.source, k."clusterId",
         c.name AS "clusterName", k."createdAt", k."updatedAt"
  FROM "Keyword" k LEFT JOIN "KeywordCluster" c ON c.id = k."clusterId"`;

/**
 * One page of keywords in keyset order. At most two index-friendly queries: the rows with a value for the sort
 * column, then (for volume and difficulty, once those run out) the rows without one.
 */
export async function keywordPage(
  db: Db,
  siteId: string,
  filter: TKeywordFilter,
  sort: TKeywordSort,
  limit: number,
  rawCursor: string | undefined,
): Promise<{ rows: KeywordRow[]; nextCursor: string | null }> {
  const spec = SORTS[sort];
  const cursor = rawCursor ? decodeKeysetCursor(rawCursor, sort) : undefined;
  const where = filterSql(siteId, filter);
  const col = Prisma.raw(`k."${spec.column}"`);
  const dir = Prisma.raw(spec.desc ? 'DESC' : 'ASC');
  const cmp = Prisma.raw(spec.desc ? '<' : '>');
  const rows: KeywordRow[] = [];

  if (!cursor || cursor.value !== null) {
    const after = cursor
      ? Prisma.sql`AND (${col}, k.id) ${cmp} (${cursor.value}::${spec.cast}, ${cursor.id}::uuid)`
      : Prisma.empty;
    const notNull = spec.nullable ? Prisma.sql`AND ${col} IS NOT NULL` : Prisma.empty;
    rows.push(
      ...(await db.$queryRaw<KeywordRow[]>`${SELECT} WHERE ${where} ${notNull} ${after}
        ORDER BY ${col} ${dir}, k.id ${dir} LIMIT ${limit + 1}`),
    );
  }
  if (spec.nullable && rows.length <= limit) {
    const after = cursor?.value === null ? Prisma.sql`AND k.id ${cmp} ${cursor.id}::uuid` : Prisma.empty;
    rows.push(
      ...(await db.$queryRaw<KeywordRow[]>`${SELECT} WHERE ${where} AND ${col} IS NULL ${after}
        ORDER BY k.id ${dir} LIMIT ${limit + 1 - rows.length}`),
    );
  }
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1]!;
  const value = last[spec.column];
  return {
    rows: page,
    nextCursor: encodeKeysetCursor({ sort, value: value instanceof Date ? value.toISOString() : value, id: last.id }),
  };
}

export function createKeywordsService({ prisma }: { prisma: PrismaClient }) {
  async function findSite(auth: AuthContext, siteId: string) {
    const site = await prisma.site.findFirst({
      where: { id: siteId, accountId: auth.accountId },
      select: { id: true },
    });
    if (!site) throw errors.notFound('Site', siteId);
    return site;
  }

  async function findKeyword(auth: AuthContext, keywordId: string) {
    const keyword = await prisma.keyword.findFirst({ where: { id: keywordId, accountId: auth.accountId } });
    if (!keyword) throw errors.notFound('Keyword', keywordId);
    return keyword;
  }

  async function viewById(db: Db, id: string): Promise<TKeyword> {
    const [row] = await db.$queryRaw<KeywordRow[]>`${SELECT} WHERE k.id = ${id}::uuid`;
    return keywordView(row!);
  }

  return {
    async list(auth: AuthContext, query: TKeywordsQuery) {
      await findSite(auth, query.siteId);
      checkRanges(query);
      const page = await keywordPage(prisma, query.siteId, query, query.sort, query.limit, query.cursor);
      return { items: page.rows.map(keywordView), nextCursor: page.nextCursor };
    },

    async count(auth: AuthContext, query: TKeywordFilter & { siteId: string }) {
      await findSite(auth, query.siteId);
      checkRanges(query);
      const [row] = await prisma.$queryRaw<{ total: number }[]>`
        SELECT count(*)::int AS total FROM "Keyword" k WHERE ${filterSql(query.siteId, query)}`;
      return { total: row?.total ?? 0 };
    },

    /** Every matching keyword in the list's order, fetched in keyset batches (never all in memory). */
    async *stream(auth: AuthContext, query: TKeywordFilter & { siteId: string; sort: TKeywordSort }, batch = 2000) {
      await findSite(auth, query.siteId);
      checkRanges(query);
      let cursor: string | undefined;
      do {
        const page = await keywordPage(prisma, query.siteId, query, query.sort, batch, cursor);
        for (const row of page.rows) yield row;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },

    /** Keywords typed in by hand: new ones are added (source "manual"), ones the sector already has are skipped. */
    async add(auth: AuthContext, body: TAddKeywordsBody) {
      const sector = await prisma.sector.findFirst({
        where: { id: body.sectorId, accountId: auth.accountId },
        select: { siteId: true },
      });
      await findSite(auth, body.siteId);
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
      const created = await prisma.keyword.createManyAndReturn({
        data: rows,
        skipDuplicates: true,
        select: { id: true, normalized: true },
      });
      const createdSet = new Set(created.map((c) => c.normalized));
      for (const [normalized, index] of firstIndex) {
        if (!createdSet.has(normalized)) {
          skipped.push({ index, keyword: body.keywords[index]!.keyword, reason: 'is already in this sector' });
        }
      }
      skipped.sort((a, b) => a.index - b.index);
      const views = created.length
        ? await prisma.$queryRaw<KeywordRow[]>`${SELECT} WHERE k.id = ANY(${created.map((c) => c.id)}::uuid[])
            ORDER BY k."createdAt", k.normalized`
        : [];
      return { created: views.map(keywordView), skipped };
    },

    async update(auth: AuthContext, keywordId: string, body: TUpdateKeywordBody) {
      const keyword = await findKeyword(auth, keywordId);
      return prisma.$transaction(async (tx) => {
        await tx.keyword.update({
          where: { id: keyword.id },
          data: { ...body, ...(body.intent ? { intentInferred: false } : {}) },
        });
        if (keyword.clusterId) await recomputeClusters(tx, [keyword.clusterId]);
        return viewById(tx, keyword.id);
      });
    },

    async remove(auth: AuthContext, keywordId: string) {
      const keyword = await findKeyword(auth, keywordId);
      await prisma.$transaction(async (tx) => {
        await tx.keyword.delete({ where: { id: keyword.id } });
        if (keyword.clusterId) await recomputeClusters(tx, [keyword.clusterId]);
      });
    },

    /**
     * One action on many keywords, in one transaction, cluster metrics recomputed. Listed ids must all be keywords
     * of the site (404 naming the first that is not, and nothing is changed); a filter acts on what the list shows.
     */
    async bulk(auth: AuthContext, body: TKeywordBulkBody) {
      await findSite(auth, body.siteId);
      let target: Prisma.Sql;
      if (body.keywordIds) {
        const ids = [...new Set(body.keywordIds)];
        const found = await prisma.keyword.findMany({
          where: { id: { in: ids }, siteId: body.siteId },
          select: { id: true },
        });
        if (found.length < ids.length) {
          const have = new Set(found.map((f) => f.id));
          const missing = ids.filter((id) => !have.has(id));
          throw new AppError(
            'NOT_FOUND',
            `Keyword ${missing[0]} was not found in this site${missing.length > 1 ? ` (nor ${missing.length - 1} more)` : ''}: nothing was changed.`,
            { missing: missing.slice(0, 20) },
          );
        }
        target = Prisma.sql`k."siteId" = ${body.siteId}::uuid AND k.id = ANY(${ids}::uuid[])`;
      } else {
        checkRanges(body.filter!, 'filter.');
        target = filterSql(body.siteId, body.filter!);
      }

      return prisma.$transaction(
        async (tx) => {
          let newCluster: string | null = null;
          if (body.action === 'assign_cluster') {
            const cluster = await tx.keywordCluster.findFirst({
              where: { id: body.clusterId!, accountId: auth.accountId, siteId: body.siteId },
            });
            if (!cluster) throw errors.notFound('Cluster', body.clusterId!);
            const [other] = await tx.$queryRaw<{ n: number }[]>`
              SELECT count(*)::int AS n FROM "Keyword" k WHERE ${target} AND k."sectorId" <> ${cluster.sectorId}::uuid`;
            if (other && other.n > 0) {
              throw errors.validation([
                {
                  in: 'body',
                  field: 'clusterId',
                  message: `cluster "${cluster.name}" is in another sector than ${other.n} of these keywords: a cluster only holds keywords of its own sector`,
                },
              ]);
            }
            newCluster = cluster.id;
          }
          const touched =
            body.action === 'set_status'
              ? []
              : (
                  await tx.$queryRaw<{ clusterId: string }[]>`
                    SELECT DISTINCT k."clusterId" FROM "Keyword" k WHERE ${target} AND k."clusterId" IS NOT NULL`
                ).map((r) => r.clusterId);
          let affected: number;
          switch (body.action) {
            case 'delete':
              affected = await tx.$executeRaw`DELETE FROM "Keyword" k WHERE ${target}`;
              break;
            case 'set_status':
              affected = await tx.$executeRaw`
                UPDATE "Keyword" k SET status = ${body.status!}::"KeywordStatus", "updatedAt" = now() WHERE ${target}`;
              break;
            case 'assign_cluster':
              // New keywords become clustered; queued, used or ignored ones keep their status.
              affected = await tx.$executeRaw`
                UPDATE "Keyword" k SET "clusterId" = ${newCluster}::uuid, "updatedAt" = now(),
                  status = CASE WHEN k.status = 'new' THEN 'clustered'::"KeywordStatus" ELSE k.status END
                WHERE ${target}`;
              break;
            case 'unassign_cluster':
              affected = await tx.$executeRaw`
                UPDATE "Keyword" k SET "clusterId" = NULL, "updatedAt" = now(),
                  status = CASE WHEN k.status = 'clustered' THEN 'new'::"KeywordStatus" ELSE k.status END
                WHERE ${target} AND k."clusterId" IS NOT NULL`;
              break;
          }
          await recomputeClusters(tx, newCluster ? [...touched, newCluster] : touched);
          return { affected };
        },
        { timeout: 120_000, maxWait: 10_000 },
      );
    },
  };
}

export type KeywordsService = ReturnType<typeof createKeywordsService>;
