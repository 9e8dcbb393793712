import type { TImportFormat, TImportMapping } from '@igny8/shared';
import { AppError } from '../../../errors.ts';
import { Prisma, type PrismaClient } from '../../../generated/prisma/client.ts';
import type { JobContext } from '../../../jobs/context.ts';
import { PermanentJobError } from '../../../jobs/errors.ts';
import { recomputeClusters } from '../cluster-metrics.ts';
import { HEAD_BYTES, planImport, readRecords, type ImportPlan } from './file.ts';
import { keywordFromCells } from './rows.ts';
import { storedHead } from './service.ts';
import { truncate } from './values.ts';

/** Rows written to the staging table per statement: bounds memory whatever the file size. */
export const BATCH_ROWS = 5_000;
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
  lines: number[] = [];
  keywords: string[] = [];
  normalized: string[] = [];
  volumes: (number | null)[] = [];
  difficulties: (number | null)[] = [];
  cpcs: (number | null)[] = [];
  intents: string[] = [];
  inferred: boolean[] = [];
  errorLines: number[] = [];
  errorReasons: string[] = [];
  errorRaws: string[] = [];

  get size() {
    return this.lines.length + this.errorLines.length;
  }
}

/**
 * Imports a stored upload in one transaction: every row is parsed as the chunks stream by, valid rows go to a
 * temporary staging table in batches (INSERT ... SELECT FROM unnest, which PGlite runs as well as PostgreSQL),
 * bad rows to KeywordImportError, then one INSERT ... ON CONFLICT merges the staging table into the sector's
 * keywords: within the file the last row of a keyword wins; a keyword already in the sector gets the new metrics
 * (a metric the file lacks keeps its old value; a given intent replaces an inferred one) but keeps its status and
 * cluster. The import's counters, its finished state and the removal of its chunks commit with the keywords, so
 * a failure at any point leaves nothing half-imported and a retry starts from a clean slate; an import that already
 * succeeded is not run twice.
 */
export async function runImport(
  ctx: JobContext,
  prisma: PrismaClient,
  importId: string,
  hooks: ImportHooks = {},
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

  const result = await prisma.$transaction(
    async (tx) => {
      const [locked] = await tx.$queryRaw<{ status: string }[]>`
        SELECT status FROM "KeywordImport" WHERE id = ${importId}::uuid FOR UPDATE`;
      if (!locked || locked.status === 'succeeded') return null;
      await tx.$executeRaw`DELETE FROM "KeywordImportError" WHERE "importId" = ${importId}::uuid`;
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE keyword_import_rows (
          line int NOT NULL, keyword text NOT NULL, normalized text NOT NULL, volume int, difficulty int,
          cpc float8, intent text NOT NULL, inferred boolean NOT NULL
        ) ON COMMIT DROP`);

      let total = 0;
      let failed = 0;
      let storedErrors = 0;
      let batches = 0;
      let batch = new Batch();
      const writeBatch = async () => {
        const b = batch;
        batch = new Batch();
        if (b.lines.length) {
          await tx.$executeRaw`
            INSERT INTO keyword_import_rows
            SELECT * FROM unnest(${b.lines}::int[], ${b.keywords}::text[], ${b.normalized}::text[],
              ${b.volumes}::int[], ${b.difficulties}::int[], ${b.cpcs}::float8[], ${b.intents}::text[],
              ${b.inferred}::boolean[])`;
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

      let bytesRead = 0;
      let lastProgress = Date.now();
      const onBytes = async (bytes: number) => {
        bytesRead += bytes;
        if (Date.now() - lastProgress < 1_000) return;
        lastProgress = Date.now();
        await ctx.progress(1 + (bytesRead / Math.max(1, row.byteSize)) * 89, 'reading the file');
      };

      for await (const record of readRecords(chunksOf(prisma, importId), plan, onBytes)) {
        total++;
        const parsed = keywordFromCells(record.cells, columns);
        if ('error' in parsed) {
          failed++;
          if (storedErrors < MAX_STORED_ERRORS) {
            storedErrors++;
            batch.errorLines.push(record.line);
            batch.errorReasons.push(parsed.error);
            batch.errorRaws.push(truncate(record.raw, 500));
          }
        } else {
          batch.lines.push(record.line);
          batch.keywords.push(parsed.keyword);
          batch.normalized.push(parsed.normalized);
          batch.volumes.push(parsed.volume);
          batch.difficulties.push(parsed.difficulty);
          batch.cpcs.push(parsed.cpc);
          batch.intents.push(parsed.intent);
          batch.inferred.push(parsed.intentInferred);
        }
        if (batch.size >= BATCH_ROWS) await writeBatch();
      }
      await writeBatch();
      if (total === 0) {
        throw new PermanentJobError(
          'IMPORT_FILE_EMPTY',
          'The file has no keyword rows under its header: export the keywords again and upload the new file.',
        );
      }
      await ctx.progress(90, 'saving keywords');

      const [merged] = await tx.$queryRaw<{ inserted: number; updated: number }[]>`
        WITH src AS (
          SELECT DISTINCT ON (normalized COLLATE "C") * FROM keyword_import_rows ORDER BY normalized COLLATE "C", line DESC
        ), merged AS (
          INSERT INTO "Keyword" AS k (id, "accountId", "siteId", "sectorId", keyword, normalized, volume, difficulty,
            cpc, intent, "intentInferred", status, source, "importId", "createdAt", "updatedAt")
          SELECT gen_random_uuid(), ${row.accountId}::uuid, ${row.siteId}::uuid, ${row.sectorId}::uuid, s.keyword,
            s.normalized, s.volume, s.difficulty, s.cpc, s.intent::"KeywordIntent", s.inferred, 'new',
            ${plan.source}, ${importId}::uuid, now(), now()
          FROM src s
          ON CONFLICT ("sectorId", normalized) DO UPDATE SET
            volume = COALESCE(EXCLUDED.volume, k.volume),
            difficulty = COALESCE(EXCLUDED.difficulty, k.difficulty),
            cpc = COALESCE(EXCLUDED.cpc, k.cpc),
            intent = CASE WHEN EXCLUDED."intentInferred" AND NOT k."intentInferred" THEN k.intent
                          ELSE EXCLUDED.intent END,
            "intentInferred" = EXCLUDED."intentInferred" AND k."intentInferred",
            "importId" = EXCLUDED."importId",
            "updatedAt" = now()
          RETURNING (xmax = 0) AS inserted
        )
        SELECT (count(*) FILTER (WHERE inserted))::int AS inserted,
               (count(*) FILTER (WHERE NOT inserted))::int AS updated
        FROM merged`;
      const inserted = merged?.inserted ?? 0;
      const updated = merged?.updated ?? 0;

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
