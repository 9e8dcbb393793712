import type { Prisma } from '../../../generated/prisma/client.ts';
import { recomputeClusters } from './cluster-metrics.ts';

/** Runs one SQL statement with positional parameters on the connection or transaction of the import's write. */
export type SqlRunner = <T = Record<string, unknown>>(text: string, params: unknown[]) => Promise<T[]>;

/** Staged rows have these columns, wherever they are staged (a temporary table, or KeywordImportRow). */
export const STAGED_COLUMNS =
  'line int NOT NULL, keyword text, normalized text, volume int, difficulty int, cpc float8, intent text, ' +
  'inferred boolean, reason text, raw text';

/** Where the staged rows are: a FROM item, given the parameter (such as $4) that holds the import id in its statement. */
export type StagedRows = (importIdParam: string) => string;

export interface MergeInput {
  importId: string;
  accountId: string;
  siteId: string;
  sectorId: string;
  source: string;
  stagedRows: StagedRows;
  /** Whether the sector may already hold keywords of the file (false lets the merge skip the update). */
  hasKeywords: boolean;
  /** Prefix of the new keywords' time-ordered ids (timeOrderedIdPrefix). */
  idPrefix: string;
}

/**
 * Merges the staged rows into the sector's keywords in two set-based statements: keywords the sector has get the
 * new metrics, the others are inserted sorted by the unique key with ids increasing in that order; within the file
 * the last row of a keyword wins. Run it inside the import's transaction, under its sector lock.
 */
export async function mergeStagedKeywords(
  q: SqlRunner,
  input: MergeInput,
): Promise<{ inserted: number; updated: number }> {
  const { hasKeywords } = input;
  // $1 sector, $2 account, $3 site, $4 import, $5 source, $6 id prefix.
  const [counts] = await q<{ inserted: number; updated: number }>(
    `WITH s AS MATERIALIZED (
       SELECT DISTINCT ON (normalized) keyword, normalized, volume, difficulty, cpc, intent, inferred
       FROM ${input.stagedRows('$4')} AS r WHERE reason IS NULL
       ORDER BY normalized, line DESC
     ), ${
       hasKeywords
         ? `upd AS (
       UPDATE "Keyword" AS k SET
         -- A keyword this import wrote earlier in the file takes the later row whole (the last row wins); one
         -- already in the sector keeps a metric the file lacks, and a given intent replaces an inferred one.
         keyword = CASE WHEN k."importId" = $4::uuid THEN s.keyword ELSE k.keyword END,
         volume = CASE WHEN k."importId" = $4::uuid THEN s.volume ELSE COALESCE(s.volume, k.volume) END,
         difficulty = CASE WHEN k."importId" = $4::uuid THEN s.difficulty
           ELSE COALESCE(s.difficulty, k.difficulty) END,
         cpc = CASE WHEN k."importId" = $4::uuid THEN s.cpc ELSE COALESCE(s.cpc, k.cpc) END,
         intent = CASE WHEN s.inferred AND NOT k."intentInferred" AND k."importId" IS DISTINCT FROM $4::uuid
           THEN k.intent ELSE s.intent::"KeywordIntent" END,
         "intentInferred" = CASE WHEN k."importId" = $4::uuid THEN s.inferred
           ELSE s.inferred AND k."intentInferred" END,
         "importId" = $4::uuid,
         "updatedAt" = now()
       FROM s WHERE k."sectorId" = $1::uuid AND k.normalized = s.normalized
       RETURNING 1
     ), `
         : ''
     }ins AS (
       INSERT INTO "Keyword" (id, "accountId", "siteId", "sectorId", keyword, normalized, volume, difficulty, cpc,
         intent, "intentInferred", status, source, "importId", "createdAt", "updatedAt")
       SELECT ($6::text || lpad(to_hex(row_number() OVER (ORDER BY n.normalized)), 8, '0'))::uuid,
         $2::uuid, $3::uuid, $1::uuid, n.keyword, n.normalized, n.volume, n.difficulty, n.cpc,
         n.intent::"KeywordIntent", n.inferred, 'new', $5, $4::uuid, now(), now()
       FROM ${
         hasKeywords
           ? `(SELECT * FROM s WHERE NOT EXISTS (
               SELECT 1 FROM "Keyword" k WHERE k."sectorId" = $1::uuid AND k.normalized = s.normalized)) n`
           : 's n'
       }
       ORDER BY n.normalized
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM ins)::int AS inserted,
       ${hasKeywords ? '(SELECT count(*) FROM upd)::int' : '0'} AS updated`,
    [input.sectorId, input.accountId, input.siteId, input.importId, input.source, input.idPrefix],
  );
  return { inserted: counts?.inserted ?? 0, updated: counts?.updated ?? 0 };
}

/** Stores the staged bad rows as the import's row errors, in file order. */
export async function storeStagedErrors(q: SqlRunner, importId: string, stagedRows: StagedRows): Promise<void> {
  await q(
    `INSERT INTO "KeywordImportError" ("importId", line, reason, raw)
     SELECT $1::uuid, line, reason, raw FROM ${stagedRows('$1')} AS r WHERE reason IS NOT NULL
     ORDER BY line`,
    [importId],
  );
}

export interface FinishInput {
  importId: string;
  sectorId: string;
  total: number;
  inserted: number;
  updated: number;
  failed: number;
}

/**
 * The end of a successful import, in its transaction: the totals of clusters whose keywords got new metrics, the
 * chunks removed, the counters and the finished state recorded.
 */
export async function finishImport(q: SqlRunner, input: FinishInput): Promise<void> {
  if (input.updated > 0) {
    const clusters = await q<{ id: string }>(
      `SELECT DISTINCT "clusterId" AS id FROM "Keyword"
       WHERE "sectorId" = $1::uuid AND "importId" = $2::uuid AND "clusterId" IS NOT NULL`,
      [input.sectorId, input.importId],
    );
    await recomputeClusters(
      taggedOn(q),
      clusters.map((c) => c.id),
    );
  }
  await q('DELETE FROM "KeywordImportChunk" WHERE "importId" = $1::uuid', [input.importId]);
  await q(
    `UPDATE "KeywordImport" SET status = 'succeeded', "rowsTotal" = $2, "rowsInserted" = $3, "rowsUpdated" = $4,
       "rowsFailed" = $5, error = NULL, "finishedAt" = now()
     WHERE id = $1::uuid`,
    [input.importId, input.total, input.inserted, input.updated, input.failed],
  );
}

/** Prisma's tagged-template $executeRaw over a runner (so shared SQL helpers run inside the import's transaction). */
function taggedOn(q: SqlRunner): Prisma.TransactionClient {
  const $executeRaw = async (strings: TemplateStringsArray, ...values: unknown[]) => {
    const text = strings.reduce((sql, part, i) => sql + part + (i < values.length ? `$${i + 1}` : ''), '');
    return (await q(text, values)).length;
  };
  return { $executeRaw } as unknown as Prisma.TransactionClient;
}
