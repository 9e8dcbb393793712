import type { TImportFormat, TImportMapping } from '@igny8/shared';
import { AppError } from '../../../errors.ts';
import { Prisma, type PrismaClient } from '../../../generated/prisma/client.ts';
import type { JobContext } from '../../../jobs/context.ts';
import { PermanentJobError } from '../../../jobs/errors.ts';
import { recomputeClusters } from '../cluster-metrics.ts';
import { HEAD_BYTES, planImport, readRecords, type ImportPlan } from './file.ts';
import { keywordFromCells, type KeywordRow } from './rows.ts';
import { storedHead } from './service.ts';
import { timeOrderedId } from './ids.ts';
import { truncate } from './values.ts';
import { writeWithCopy, type ParsedRecord } from './copy.ts';

/**
 * Rows written per statement: bounds memory whatever the file size (one batch being parsed, one being written).
 * 10,000 measured best on PostgreSQL next to 5,000 and 20,000 (fewer round trips, no bigger plans).
 */
export const BATCH_ROWS = 10_000;
/** Row errors kept per import (the count goes on beyond). */
export const MAX_STORED_ERRORS = 100_000;
/** The whole import is one transaction; a million rows take well under this on one core. */
const TRANSACTION_TIMEOUT_MS = 60 * 60_000;

export interface ImportSummary {
  importId: string;
  format: string;
  rowsTotal: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsFailed: number;
  rowsDuplicate: number;
}

/** Test hooks: called after each staged batch (e.g. to fail half-way and check that nothing was kept). */
export interface ImportHooks {
  afterBatch?: (batch: number, attempt: number) => Promise<void>;
}

export interface ImportOptions {
  /**
   * Set on PostgreSQL: the import writes on its own connection with COPY into a staging table and set-based merges
   * (writeWithCopy). Unset (embedded PGlite, which has no second connection), it writes batches through Prisma.
   */
  databaseUrl?: string | undefined;
}

async function* chunksOf(prisma: PrismaClient, importId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const chunk = await prisma.keywordImportChunk.findUnique({
      where: { importId_seq: { importId, seq } },
      select: { data: true },
    });
    if (!chunk) return;
    yield Buffer.from(chunk.data);
  }
}

class Batch {
  /** Valid rows by normalized keyword: within a batch the last row of a keyword wins. */
  rows = new Map<string, KeywordRow>();
  valid = 0;
  errorLines: number[] = [];
  errorReasons: string[] = [];
  errorRaws: string[] = [];

  get size() {
    return this.valid + this.errorLines.length;
  }
}

/**
 * Imports a stored upload in one transaction, writing straight into the sector's keywords batch by batch while the
 * next batch is parsed (the database works while this process reads: on two cores that is real parallelism; one
 * batch in flight at a time keeps memory flat). An advisory lock on the sector keeps two imports of one sector from
 * interleaving, so each batch needs no ON CONFLICT: one statement updates the keywords the sector already has (new
 * metrics; a metric the file lacks keeps its value; a given intent replaces an inferred one; status and cluster
 * stay) and inserts the others, sorted by the unique key. Within the file the last row of a keyword wins (within a
 * batch by a map, across batches because a later batch updates what an earlier one wrote); a keyword this import
 * already wrote counts as a duplicate, not an update. Bad rows go to KeywordImportError with their line. The
 * import's counters, its finished state and the removal of its chunks commit with the keywords, so a failure at any
 * point leaves nothing half-imported and a retry starts from a clean slate; an import that already succeeded is
 * not run twice.
 */
export async function runImport(
  ctx: JobContext,
  prisma: PrismaClient,
  importId: string,
  hooks: ImportHooks = {},
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const row = await prisma.keywordImport.findUnique({ where: { id: importId } });
  if (!row || row.accountId !== ctx.accountId) {
    throw new PermanentJobError('IMPORT_NOT_FOUND', `Import ${importId} no longer exists.`);
  }
  const summaryOf = (r: typeof row): ImportSummary => ({
    importId: r.id,
    format: r.format ?? 'custom',
    rowsTotal: r.rowsTotal,
    rowsInserted: r.rowsInserted,
    rowsUpdated: r.rowsUpdated,
    rowsFailed: r.rowsFailed,
    rowsDuplicate: Math.max(0, r.rowsTotal - r.rowsFailed - r.rowsInserted - r.rowsUpdated),
  });
  if (row.status === 'succeeded') return summaryOf(row);

  let plan: ImportPlan;
  try {
    plan = planImport((await storedHead(prisma, importId)).subarray(0, HEAD_BYTES), {
      complete: row.byteSize <= HEAD_BYTES,
      format: (row.format as TImportFormat | null) ?? undefined,
      mapping: (row.mapping as TImportMapping | null) ?? undefined,
    });
  } catch (error) {
    if (error instanceof AppError) throw new PermanentJobError('IMPORT_FILE_INVALID', error.message);
    throw error;
  }
  const columns = plan.columns_plan;
  if (!columns) throw new PermanentJobError('IMPORT_NEEDS_MAPPING', 'Choose the keyword column before importing.');

  await prisma.keywordImport.update({ where: { id: importId }, data: { status: 'importing', error: Prisma.DbNull } });
  await ctx.progress(1, 'reading the file');

  let bytesRead = 0;
  let lastProgress = Date.now();
  const onBytes = async (bytes: number) => {
    bytesRead += bytes;
    if (Date.now() - lastProgress < 1_000) return;
    lastProgress = Date.now();
    await ctx.progress(1 + (bytesRead / Math.max(1, row.byteSize)) * 90, 'importing keywords');
  };

  if (options.databaseUrl) {
    async function* records(): AsyncGenerator<ParsedRecord> {
      let n = 0;
      for await (const record of readRecords(chunksOf(prisma, importId), plan, onBytes)) {
        const parsed = keywordFromCells(record.cells, columns!);
        yield 'error' in parsed
          ? { line: record.line, error: parsed.error, raw: truncate(record.raw(), 500) }
          : { line: record.line, row: parsed };
        if (++n % BATCH_ROWS === 0) await hooks.afterBatch?.(n / BATCH_ROWS, ctx.attempt);
      }
    }
    await writeWithCopy({
      databaseUrl: options.databaseUrl,
      importId,
      accountId: row.accountId,
      siteId: row.siteId,
      sectorId: row.sectorId,
      source: plan.source,
      records: records(),
      maxStoredErrors: MAX_STORED_ERRORS,
      onStaged: () => ctx.progress(92, 'saving keywords'),
    });
    return summaryOf(await prisma.keywordImport.findUniqueOrThrow({ where: { id: importId } }));
  }

  const result = await prisma.$transaction(
    async (tx) => {
      const [locked] = await tx.$queryRaw<{ status: string }[]>`
        SELECT status FROM "KeywordImport" WHERE id = ${importId}::uuid FOR UPDATE`;
      if (!locked || locked.status === 'succeeded') return null;
      await tx.$executeRaw`DELETE FROM "KeywordImportError" WHERE "importId" = ${importId}::uuid`;
      // Imports of one sector run one after the other (a concurrent manual add of the same keyword makes this
      // attempt fail on the unique key and the job retry it, all or nothing).
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('planner.keyword_import:' || ${row.sectorId}))`;

      let total = 0;
      let failed = 0;
      let storedErrors = 0;
      let batches = 0;
      let inserted = 0;
      let updated = 0;

      const writeBatch = async (b: Batch) => {
        if (b.valid) {
          // Sorted by the unique key, with ids in that same increasing order: the inserts then land in order in the
          // (sectorId, normalized) and (siteId, normalized, id) indexes and append to the id-ordered ones.
          const entries = [...b.rows].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
          const ids: string[] = [];
          const keywords: string[] = [];
          const normalized: string[] = [];
          const volumes: (number | null)[] = [];
          const difficulties: (number | null)[] = [];
          const cpcs: (number | null)[] = [];
          const intents: string[] = [];
          const inferred: boolean[] = [];
          for (const [key, r] of entries) {
            ids.push(timeOrderedId());
            keywords.push(r.keyword);
            normalized.push(key);
            volumes.push(r.volume);
            difficulties.push(r.difficulty);
            cpcs.push(r.cpc);
            intents.push(r.intent);
            inferred.push(r.intentInferred);
          }
          const [counts] = await tx.$queryRaw<{ inserted: number; updated: number }[]>`
            WITH s AS MATERIALIZED (
              SELECT * FROM unnest(${ids}::uuid[], ${keywords}::text[], ${normalized}::text[], ${volumes}::int[],
                ${difficulties}::int[], ${cpcs}::float8[], ${intents}::text[], ${inferred}::boolean[])
                AS s(id, keyword, normalized, volume, difficulty, cpc, intent, inferred)
            ), old AS MATERIALIZED (
              SELECT k.id, k."importId" AS "oldImportId", s.normalized, s.volume, s.difficulty, s.cpc, s.intent,
                s.inferred
              -- One unique-index probe per row (a plain join would hash the whole sector every batch).
              FROM s CROSS JOIN LATERAL (
                SELECT k.id, k."importId" FROM "Keyword" k
                WHERE k."sectorId" = ${row.sectorId}::uuid AND k.normalized = s.normalized LIMIT 1
              ) k
            ), upd AS (
              UPDATE "Keyword" AS k SET
                volume = COALESCE(o.volume, k.volume),
                difficulty = COALESCE(o.difficulty, k.difficulty),
                cpc = COALESCE(o.cpc, k.cpc),
                intent = CASE WHEN o.inferred AND NOT k."intentInferred" THEN k.intent
                              ELSE o.intent::"KeywordIntent" END,
                "intentInferred" = o.inferred AND k."intentInferred",
                "importId" = ${importId}::uuid,
                "updatedAt" = now()
              FROM old o WHERE k.id = o.id
              RETURNING o."oldImportId"
            ), ins AS (
              INSERT INTO "Keyword" (id, "accountId", "siteId", "sectorId", keyword, normalized, volume, difficulty,
                cpc, intent, "intentInferred", status, source, "importId", "createdAt", "updatedAt")
              SELECT s.id, ${row.accountId}::uuid, ${row.siteId}::uuid, ${row.sectorId}::uuid,
                s.keyword, s.normalized, s.volume, s.difficulty, s.cpc, s.intent::"KeywordIntent", s.inferred, 'new',
                ${plan.source}, ${importId}::uuid, now(), now()
              FROM s WHERE NOT EXISTS (SELECT 1 FROM old o WHERE o.normalized = s.normalized)
              ORDER BY s.id
              RETURNING 1
            )
            SELECT (SELECT count(*) FROM ins)::int AS inserted,
              (SELECT count(*) FROM upd WHERE "oldImportId" IS DISTINCT FROM ${importId}::uuid)::int AS updated`;
          inserted += counts?.inserted ?? 0;
          updated += counts?.updated ?? 0;
        }
        if (b.errorLines.length) {
          await tx.$executeRaw`
            INSERT INTO "KeywordImportError" ("importId", line, reason, raw)
            SELECT ${importId}::uuid, * FROM unnest(${b.errorLines}::int[], ${b.errorReasons}::text[],
              ${b.errorRaws}::text[])
            ON CONFLICT DO NOTHING`;
        }
        batches++;
        await hooks.afterBatch?.(batches, ctx.attempt);
      };

      // One batch in flight while the next one is parsed.
      let inFlight: Promise<void> | null = null;
      const flush = async (b: Batch) => {
        if (inFlight) await inFlight;
        inFlight = writeBatch(b);
        // Observed here so a failure while the next batch is parsed is not an unhandled rejection; awaited below.
        inFlight.catch(() => {});
      };

      let batch = new Batch();
      try {
        for await (const record of readRecords(chunksOf(prisma, importId), plan, onBytes)) {
          total++;
          const parsed = keywordFromCells(record.cells, columns);
          if ('error' in parsed) {
            failed++;
            if (storedErrors < MAX_STORED_ERRORS) {
              storedErrors++;
              batch.errorLines.push(record.line);
              batch.errorReasons.push(parsed.error);
              batch.errorRaws.push(truncate(record.raw(), 500));
            }
          } else {
            // Delete first so the map keeps the last row's place (rows go in file order).
            if (batch.rows.delete(parsed.normalized)) batch.valid--;
            batch.rows.set(parsed.normalized, parsed);
            batch.valid++;
          }
          if (batch.size >= BATCH_ROWS) {
            await flush(batch);
            batch = new Batch();
          }
        }
        await flush(batch);
        await inFlight;
      } finally {
        // Never leave the transaction with a statement still running on it.
        await (inFlight as Promise<void> | null)?.catch(() => {});
      }
      if (total === 0) {
        throw new PermanentJobError(
          'IMPORT_FILE_EMPTY',
          'The file has no keyword rows under its header: export the keywords again and upload the new file.',
        );
      }
      await ctx.progress(98, 'saving keywords');

      // Updated metrics change the totals of the clusters those keywords are in.
      if (updated > 0) {
        const clusters = await tx.$queryRaw<{ id: string }[]>`
          SELECT DISTINCT "clusterId" AS id FROM "Keyword"
          WHERE "sectorId" = ${row.sectorId}::uuid AND "importId" = ${importId}::uuid AND "clusterId" IS NOT NULL`;
        await recomputeClusters(
          tx,
          clusters.map((c) => c.id),
        );
      }
      await tx.keywordImportChunk.deleteMany({ where: { importId } });
      return tx.keywordImport.update({
        where: { id: importId },
        data: {
          status: 'succeeded',
          rowsTotal: total,
          rowsInserted: inserted,
          rowsUpdated: updated,
          rowsFailed: failed,
          error: Prisma.DbNull,
          finishedAt: new Date(),
        },
      });
    },
    { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 30_000 },
  );
  const final = result ?? (await prisma.keywordImport.findUniqueOrThrow({ where: { id: importId } }));
  return summaryOf(final);
}
