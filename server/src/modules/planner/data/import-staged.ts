import type { PrismaClient } from '../../../generated/prisma/client.ts';
import { PermanentJobError } from '../../../jobs/errors.ts';
import type { CopyWriteResult, ImportWriteInput } from './import-copy.ts';
import { timeOrderedIdPrefix } from '../import/ids.ts';
import {
  finishImport,
  mergeStagedKeywords,
  storeStagedErrors,
  type SqlRunner,
  type StagedRows,
} from './import-merge.ts';

/**
 * Rows staged per statement: one short write (about 0.1 s), then the connection is free for other work until the
 * next. The same size as a PostgreSQL import's batches, so tests that fail an import after batch N behave alike.
 */
export const STAGE_BATCH_ROWS = 10_000;
/** Only the merge holds the transaction; a million rows merge in well under this. */
const MERGE_TIMEOUT_MS = 30 * 60_000;

const STAGED: StagedRows = (param) => `(SELECT * FROM "KeywordImportRow" WHERE "importId" = ${param}::uuid)`;

export interface StagedWriteInput extends ImportWriteInput {
  prisma: PrismaClient;
  /** Called after each staged batch, outside any transaction (progress, cancellation). */
  afterBatch?: (batch: number) => Promise<void>;
}

class Batch {
  lines: number[] = [];
  keywords: (string | null)[] = [];
  normalized: (string | null)[] = [];
  volumes: (number | null)[] = [];
  difficulties: (number | null)[] = [];
  cpcs: (number | null)[] = [];
  intents: (string | null)[] = [];
  inferred: (boolean | null)[] = [];
  reasons: (string | null)[] = [];
  raws: (string | null)[] = [];

  add(line: number, row: StagedRow): void {
    this.lines.push(line);
    this.keywords.push(row.keyword);
    this.normalized.push(row.normalized);
    this.volumes.push(row.volume);
    this.difficulties.push(row.difficulty);
    this.cpcs.push(row.cpc);
    this.intents.push(row.intent);
    this.inferred.push(row.inferred);
    this.reasons.push(row.reason);
    this.raws.push(row.raw);
  }

  get size() {
    return this.lines.length;
  }
}

interface StagedRow {
  keyword: string | null;
  normalized: string | null;
  volume: number | null;
  difficulty: number | null;
  cpc: number | null;
  intent: string | null;
  inferred: boolean | null;
  reason: string | null;
  raw: string | null;
}

const NO_ROW = {
  keyword: null,
  normalized: null,
  volume: null,
  difficulty: null,
  cpc: null,
  intent: null,
  inferred: null,
} as const;

/**
 * The write of an import on the embedded database, which serves one connection: holding a transaction open while
 * the file is read would stop every other request for as long. So the parsed rows are staged in KeywordImportRow
 * one batch per statement (each commits on its own; between them the server answers requests, and progress and
 * cancellation are recorded), then one transaction merges them into the sector's keywords exactly as a PostgreSQL
 * import does, stores the row errors and deletes the staged rows and chunks. Keywords change only in that
 * transaction, so a crash or failure at any point leaves the sector as it was; a retry clears the staged rows first.
 * Returns null when the import had already succeeded.
 */
export async function writeStaged(input: StagedWriteInput): Promise<CopyWriteResult | null> {
  const { prisma, importId } = input;
  await prisma.keywordImportRow.deleteMany({ where: { importId } });

  let total = 0;
  let failed = 0;
  let storedErrors = 0;
  let batches = 0;
  let batch = new Batch();
  const flush = async () => {
    if (batch.size === 0) return;
    const b = batch;
    batch = new Batch();
    await prisma.$executeRaw`
      INSERT INTO "KeywordImportRow" ("importId", line, keyword, normalized, volume, difficulty, cpc, intent, inferred,
        reason, raw)
      SELECT ${importId}::uuid, * FROM unnest(${b.lines}::int[], ${b.keywords}::text[], ${b.normalized}::text[],
        ${b.volumes}::int[], ${b.difficulties}::int[], ${b.cpcs}::float8[], ${b.intents}::text[],
        ${b.inferred}::boolean[], ${b.reasons}::text[], ${b.raws}::text[])
      ON CONFLICT DO NOTHING`;
    await input.afterBatch?.(++batches);
  };

  for await (const record of input.records) {
    total++;
    if ('error' in record) {
      failed++;
      if (storedErrors >= input.maxStoredErrors) continue;
      storedErrors++;
      batch.add(record.line, { ...NO_ROW, reason: record.error, raw: record.raw });
    } else {
      const r = record.row;
      batch.add(record.line, {
        keyword: r.keyword,
        normalized: r.normalized,
        volume: r.volume,
        difficulty: r.difficulty,
        cpc: r.cpc,
        intent: r.intent,
        inferred: r.intentInferred,
        reason: null,
        raw: null,
      });
    }
    if (batch.size >= STAGE_BATCH_ROWS) await flush();
  }
  await flush();
  if (total === 0) {
    throw new PermanentJobError(
      'IMPORT_FILE_EMPTY',
      'The file has no keyword rows under its header: export the keywords again and upload the new file.',
    );
  }
  await input.onStaged?.();

  return prisma.$transaction(
    async (tx) => {
      const q: SqlRunner = (text, params) => tx.$queryRawUnsafe(text, ...params);
      const [locked] = await q<{ status: string }>(
        'SELECT status FROM "KeywordImport" WHERE id = $1::uuid FOR UPDATE',
        [importId],
      );
      if (!locked || locked.status === 'succeeded') return null;
      await q('DELETE FROM "KeywordImportError" WHERE "importId" = $1::uuid', [importId]);
      // Imports of one sector run one after the other (a concurrent manual add of the same keyword makes this
      // attempt fail on the unique key and the job retry it, all or nothing).
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('planner.keyword_import:' || ${input.sectorId}))`;
      const [existing] = await q<{ any: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM "Keyword" WHERE "sectorId" = $1::uuid) AS any',
        [input.sectorId],
      );
      const { inserted, updated } = await mergeStagedKeywords(q, {
        ...input,
        stagedRows: STAGED,
        hasKeywords: existing?.any === true,
        idPrefix: timeOrderedIdPrefix(),
      });
      if (failed > 0) await storeStagedErrors(q, importId, STAGED);
      await q('DELETE FROM "KeywordImportRow" WHERE "importId" = $1::uuid', [importId]);
      await finishImport(q, { importId, sectorId: input.sectorId, total, inserted, updated, failed });
      return { total, failed, inserted, updated };
    },
    { timeout: MERGE_TIMEOUT_MS, maxWait: 30_000 },
  );
}
