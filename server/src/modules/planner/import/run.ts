import type { TImportFormat, TImportMapping } from '@igny8/shared';
import { AppError } from '../../../errors.ts';
import type { JobContext } from '../../../jobs/context.ts';
import { PermanentJobError } from '../../../jobs/errors.ts';
import { writeWithCopy, type ParsedRecord } from '../data/import-copy.ts';
import type { PlannerData } from '../data/index.ts';
import { HEAD_BYTES, planImport, readRecords, type ImportPlan } from './file.ts';
import { keywordFromCells } from './rows.ts';
import { truncate } from './values.ts';

/**
 * Rows written per statement: bounds memory whatever the file size (one batch being parsed, one being written).
 * 10,000 measured best on PostgreSQL next to 5,000 and 20,000 (fewer round trips, no bigger plans).
 */
export const BATCH_ROWS = 10_000;
/** Row errors kept per import (the count goes on beyond). */
export const MAX_STORED_ERRORS = 100_000;

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
   * (writeWithCopy). Unset (embedded PGlite, which has one connection), it stages rows in short statements and
   * merges them in one transaction at the end (writeStaged).
   */
  databaseUrl?: string | undefined;
}

async function* chunksOf(data: PlannerData, importId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const chunk = await data.imports.chunk(importId, seq);
    if (!chunk) return;
    yield chunk;
  }
}

/**
 * Imports a stored upload into the sector's keywords, all or nothing. The file is read chunk by chunk and parsed as
 * it goes; the rows go to the write of the database in use (writeWithCopy on PostgreSQL, writeStaged on the embedded
 * one), which stages them, merges them into the sector's keywords in one transaction under a per-sector lock (a
 * keyword the sector has gets the new metrics, keeping its status and cluster; within the file the last row wins),
 * stores the bad rows with their line, and commits the import's counters, finished state and the removal of its
 * chunks with the keywords. A failure at any point leaves nothing half-imported and a retry starts from a clean
 * slate; an import that already succeeded is not run twice. Progress is recorded while the file is read, outside
 * any transaction.
 */
export async function runImport(
  ctx: JobContext,
  data: PlannerData,
  importId: string,
  hooks: ImportHooks = {},
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const row = await data.imports.findById(importId);
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
    plan = planImport((await data.imports.storedHead(importId)).subarray(0, HEAD_BYTES), {
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

  await data.imports.markImporting(importId);
  await ctx.progress(1, 'reading the file');

  let bytesRead = 0;
  let lastProgress = Date.now();
  const onBytes = async (bytes: number) => {
    bytesRead += bytes;
    if (Date.now() - lastProgress < 1_000) return;
    lastProgress = Date.now();
    await ctx.progress(1 + (bytesRead / Math.max(1, row.byteSize)) * 90, 'importing keywords');
  };

  let n = 0;
  async function* records(): AsyncGenerator<ParsedRecord> {
    for await (const record of readRecords(chunksOf(data, importId), plan, onBytes)) {
      const parsed = keywordFromCells(record.cells, columns!);
      yield 'error' in parsed
        ? { line: record.line, error: parsed.error, raw: truncate(record.raw(), 500) }
        : { line: record.line, row: parsed };
      if (options.databaseUrl && ++n % BATCH_ROWS === 0) await hooks.afterBatch?.(n / BATCH_ROWS, ctx.attempt);
    }
  }
  const target = {
    importId,
    accountId: row.accountId,
    siteId: row.siteId,
    sectorId: row.sectorId,
    source: plan.source,
    records: records(),
    maxStoredErrors: MAX_STORED_ERRORS,
    onStaged: () => ctx.progress(92, 'saving keywords'),
  };
  if (options.databaseUrl) await writeWithCopy({ ...target, databaseUrl: options.databaseUrl });
  else {
    await data.writeStagedImport({
      ...target,
      afterBatch: async (batch) => hooks.afterBatch?.(batch, ctx.attempt),
    });
  }
  return summaryOf(await data.imports.findByIdOrThrow(importId));
}
