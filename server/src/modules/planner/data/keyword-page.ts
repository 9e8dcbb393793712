import type { TKeyword, TKeywordFilter, TKeywordSort } from '@igny8/shared';
import type { Db } from '../../../db/client.ts';
import { errors } from '../../../errors.ts';
import { Prisma } from '../../../generated/prisma/client.ts';
import { normalizeKeyword } from '../normalize.ts';

/** The keyword list's query: its filters, sort orders and keyset pagination. */

export /** One keyword row as the list query selects it. */
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

export const SELECT = Prisma.sql`
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
