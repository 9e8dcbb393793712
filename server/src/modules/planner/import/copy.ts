import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { PermanentJobError } from '../../../jobs/errors.ts';
import { recomputeClusters } from '../cluster-metrics.ts';
import type { KeywordRow } from './rows.ts';
import { timeOrderedIdPrefix } from './ids.ts';

/** One record of the file as the parser hands it over: a keyword, or the reason the row is not one. */
export type ParsedRecord = { line: number; row: KeywordRow } | { line: number; error: string; raw: string };

export interface CopyWriteInput {
  databaseUrl: string;
  importId: string;
  accountId: string;
  siteId: string;
  sectorId: string;
  source: string;
  /** The file's records in order; counted and staged as they come. */
  records: AsyncIterable<ParsedRecord>;
  maxStoredErrors: number;
  /** Called once the rows are staged, before they are merged into the sector's keywords. */
  onStaged?: () => Promise<void>;
}

export interface CopyWriteResult {
  total: number;
  failed: number;
  inserted: number;
  updated: number;
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
const copyText = (s: string) =>
  s.replace(/[\\\t\n\r]/gu, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\'));
const copyValue = (v: number | null) => (v === null ? '\\N' : String(v));

/** Bytes handed to COPY at a time. */
const COPY_CHUNK = 256 * 1024;

/**
 * The PostgreSQL write of an import, on its own connection and in one transaction (all or nothing; an attempt
 * that fails anywhere rolls back, so a retry starts clean): the parsed rows stream into a temporary staging table
 * with COPY while the file is read, then two set-based statements merge them into the sector's keywords (existing
 * keywords get the new metrics, the others are inserted sorted by the unique key with ids increasing in that order;
 * within the file the last row of a keyword wins) and store the row errors; the import's counters, its finished
 * state and the removal of its chunks commit with them. Returns null when the import had already succeeded.
 */
export async function writeWithCopy(input: CopyWriteInput): Promise<CopyWriteResult | null> {
  const client = new pg.Client({ connectionString: input.databaseUrl });
  // A dropped connection fails the query in progress; without a listener it would also crash the process.
  client.on('error', () => {});
  await client.connect();
  let open = false;
  try {
    // Before any temporary table is touched: lets the staging of ~100,000 rows stay in memory.
    await client.query("SET temp_buffers = '64MB'");
    await client.query('BEGIN');
    open = true;
    await client.query("SET LOCAL work_mem = '64MB'");
    const locked = await client.query<{ status: string }>(
      'SELECT status FROM "KeywordImport" WHERE id = $1::uuid FOR UPDATE',
      [input.importId],
    );
    if (!locked.rows[0] || locked.rows[0].status === 'succeeded') {
      await client.query('ROLLBACK');
      open = false;
      return null;
    }
    await client.query('DELETE FROM "KeywordImportError" WHERE "importId" = $1::uuid', [input.importId]);
    // Imports of one sector run one after the other (a concurrent manual add of the same keyword makes this attempt
    // fail on the unique key and the job retry it, all or nothing).
    await client.query("SELECT pg_advisory_xact_lock(hashtext('planner.keyword_import:' || $1::text))", [
      input.sectorId,
    ]);
    await client.query(`
      CREATE TEMP TABLE import_rows (
        line int NOT NULL, keyword text, normalized text, volume int, difficulty int, cpc float8, intent text,
        inferred boolean, reason text, raw text
      ) ON COMMIT DROP`);

    let total = 0;
    let failed = 0;
    let storedErrors = 0;
    async function* staged(): AsyncGenerator<string> {
      let text = '';
      for await (const record of input.records) {
        total++;
        if ('error' in record) {
          failed++;
          if (storedErrors >= input.maxStoredErrors) continue;
          storedErrors++;
          text += `${record.line}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${copyText(record.error)}\t${copyText(record.raw)}\n`;
        } else {
          const r = record.row;
          text +=
            `${record.line}\t${copyText(r.keyword)}\t${copyText(r.normalized)}\t${copyValue(r.volume)}\t` +
            `${copyValue(r.difficulty)}\t${copyValue(r.cpc)}\t${r.intent}\t${r.intentInferred ? 't' : 'f'}\t\\N\t\\N\n`;
        }
        if (text.length >= COPY_CHUNK) {
          yield text;
          text = '';
        }
      }
      if (text) yield text;
    }
    await pipeline(Readable.from(staged()), client.query(copyFrom('COPY import_rows FROM STDIN')));
    if (total === 0) {
      throw new PermanentJobError(
        'IMPORT_FILE_EMPTY',
        'The file has no keyword rows under its header: export the keywords again and upload the new file.',
      );
    }
    await input.onStaged?.();

    const { rows: existing } = await client.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM "Keyword" WHERE "sectorId" = $1::uuid) AS any',
      [input.sectorId],
    );
    const hasKeywords = existing[0]?.any === true;
    // $1 sector, $2 account, $3 site, $4 import, $5 source, $6 id prefix.
    const { rows: counts } = await client.query<{ inserted: number; updated: number }>(
      `WITH s AS MATERIALIZED (
         SELECT DISTINCT ON (normalized) keyword, normalized, volume, difficulty, cpc, intent, inferred
         FROM import_rows WHERE reason IS NULL
         ORDER BY normalized, line DESC
       ), ${
         hasKeywords
           ? `upd AS (
         UPDATE "Keyword" AS k SET
           volume = COALESCE(s.volume, k.volume),
           difficulty = COALESCE(s.difficulty, k.difficulty),
           cpc = COALESCE(s.cpc, k.cpc),
           intent = CASE WHEN s.inferred AND NOT k."intentInferred" THEN k.intent ELSE s.intent::"KeywordIntent" END,
           "intentInferred" = s.inferred AND k."intentInferred",
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
      [input.sectorId, input.accountId, input.siteId, input.importId, input.source, timeOrderedIdPrefix()],
    );
    const inserted = counts[0]?.inserted ?? 0;
    const updated = counts[0]?.updated ?? 0;
    if (failed > 0) {
      await client.query(
        `INSERT INTO "KeywordImportError" ("importId", line, reason, raw)
         SELECT $1::uuid, line, reason, raw FROM import_rows WHERE reason IS NOT NULL ORDER BY line`,
        [input.importId],
      );
    }
    // Updated metrics change the totals of the clusters those keywords are in.
    if (updated > 0) {
      const { rows: clusters } = await client.query<{ id: string }>(
        `SELECT DISTINCT "clusterId" AS id FROM "Keyword"
         WHERE "sectorId" = $1::uuid AND "importId" = $2::uuid AND "clusterId" IS NOT NULL`,
        [input.sectorId, input.importId],
      );
      await recomputeClusters(
        sqlOn(client),
        clusters.map((c) => c.id),
      );
    }
    await client.query('DELETE FROM "KeywordImportChunk" WHERE "importId" = $1::uuid', [input.importId]);
    await client.query(
      `UPDATE "KeywordImport" SET status = 'succeeded', "rowsTotal" = $2, "rowsInserted" = $3, "rowsUpdated" = $4,
         "rowsFailed" = $5, error = NULL, "finishedAt" = now()
       WHERE id = $1::uuid`,
      [input.importId, total, inserted, updated, failed],
    );
    await client.query('COMMIT');
    open = false;
    return { total, failed, inserted, updated };
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}

/** Prisma's tagged-template $executeRaw on a pg client (so shared SQL helpers run inside this transaction). */
function sqlOn(client: pg.Client): Prisma.TransactionClient {
  const $executeRaw = async (strings: TemplateStringsArray, ...values: unknown[]) => {
    const text = strings.reduce((sql, part, i) => sql + part + (i < values.length ? `$${i + 1}` : ''), '');
    return (await client.query(text, values)).rowCount ?? 0;
  };
  return { $executeRaw } as unknown as Prisma.TransactionClient;
}
