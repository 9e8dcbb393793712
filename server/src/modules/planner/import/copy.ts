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
/** Rows held for staging (repeated keywords, row errors) while new keywords stream into "Keyword". */
const DEFERRED_ROWS = 10_000;
const KEYWORD_COLUMNS =
  'id, "accountId", "siteId", "sectorId", keyword, normalized, volume, difficulty, cpc, intent, "intentInferred", ' +
  'status, source, "importId"';

/** A time-ordered id prefix from a later millisecond than the given one. */
async function laterPrefix(prefix: string): Promise<string> {
  for (;;) {
    const next = timeOrderedIdPrefix();
    if (next.slice(0, 13) > prefix.slice(0, 13)) return next;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** FNV-1a of a string's UTF-16 code units. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A set of 32-bit hashes in one typed array (4 to 8 bytes a keyword): memory stays small at a million rows. */
class HashSet32 {
  private slots = new Uint32Array(1 << 16);
  private size = 0;
  private hasZero = false;

  /** Adds the hash; false when it was there already. */
  add(hash: number): boolean {
    if (hash === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      return true;
    }
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === hash) return false;
      if (slot === 0) {
        this.slots[i] = hash;
        this.size++;
        return true;
      }
    }
  }

  private grow() {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    const mask = this.slots.length - 1;
    for (const hash of old) {
      if (hash === 0) continue;
      let i = hash & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.slots[i] = hash;
    }
  }
}

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

    // An empty sector (the usual first import) takes the rows straight into "Keyword" with COPY: a keyword seen
    // before in the file (by a 32-bit hash; a collision only costs a detour) and bad rows go to the staging table
    // instead, merged or stored after. A sector with keywords stages every row and merges them set-based.
    const { rows: existing } = await client.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM "Keyword" WHERE "sectorId" = $1::uuid) AS any',
      [input.sectorId],
    );
    const direct = existing[0]?.any !== true;
    const seen = new HashSet32();
    // Ids increasing in file order (the prefix's time, then the row number): appends to the id-ordered indexes.
    const idPrefix = timeOrderedIdPrefix();
    const keywordPrefix = `\t${input.accountId}\t${input.siteId}\t${input.sectorId}\t`;
    const keywordSuffix = `\tnew\t${copyText(input.source)}\t${input.importId}\n`;

    let total = 0;
    let failed = 0;
    let storedErrors = 0;
    let directRows = 0;
    let stagedRows = 0;
    let deferred = '';
    let deferredLength = 0;
    const records = input.records[Symbol.asyncIterator]();
    let done = false;
    const stagedLine = (record: ParsedRecord): string | null => {
      if ('error' in record) {
        failed++;
        if (storedErrors >= input.maxStoredErrors) return null;
        storedErrors++;
        return `${record.line}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${copyText(record.error)}\t${copyText(record.raw)}\n`;
      }
      const r = record.row;
      stagedRows++;
      return (
        `${record.line}\t${copyText(r.keyword)}\t${copyText(r.normalized)}\t${copyValue(r.volume)}\t` +
        `${copyValue(r.difficulty)}\t${copyValue(r.cpc)}\t${r.intent}\t${r.intentInferred ? 't' : 'f'}\t\\N\t\\N\n`
      );
    };
    // Everything into staging.
    async function* allStaged(): AsyncGenerator<string> {
      let text = '';
      for (let next = await records.next(); !next.done; next = await records.next()) {
        total++;
        text += stagedLine(next.value) ?? '';
        if (text.length >= COPY_CHUNK) {
          yield text;
          text = '';
        }
      }
      done = true;
      if (text) yield text;
    }
    // New keywords into "Keyword" until the file ends or the detour buffer is full (then it is staged and this
    // resumes with a new COPY).
    async function* keywords(): AsyncGenerator<string> {
      let text = '';
      for (;;) {
        const next = await records.next();
        if (next.done) {
          done = true;
          break;
        }
        total++;
        const record = next.value;
        if ('row' in record && seen.add(hash32(record.row.normalized))) {
          const r = record.row;
          directRows++;
          text +=
            idPrefix +
            (directRows - 1).toString(16).padStart(8, '0') +
            keywordPrefix +
            `${copyText(r.keyword)}\t${copyText(r.normalized)}\t${copyValue(r.volume)}\t${copyValue(r.difficulty)}\t` +
            `${copyValue(r.cpc)}\t${r.intent}\t${r.intentInferred ? 't' : 'f'}` +
            keywordSuffix;
          if (text.length >= COPY_CHUNK) {
            yield text;
            text = '';
          }
        } else {
          const line = stagedLine(record);
          if (line) {
            deferred += line;
            deferredLength++;
            if (deferredLength >= DEFERRED_ROWS) break;
          }
        }
      }
      if (text) yield text;
    }
    const stageDeferred = async () => {
      if (!deferred) return;
      const text = deferred;
      deferred = '';
      deferredLength = 0;
      await pipeline(Readable.from([text]), client.query(copyFrom('COPY import_rows FROM STDIN')));
    };
    if (direct) {
      while (!done) {
        await pipeline(
          Readable.from(keywords()),
          client.query(copyFrom(`COPY "Keyword" (${KEYWORD_COLUMNS}) FROM STDIN`)),
        );
        await stageDeferred();
      }
    } else {
      await pipeline(Readable.from(allStaged()), client.query(copyFrom('COPY import_rows FROM STDIN')));
    }
    if (total === 0) {
      throw new PermanentJobError(
        'IMPORT_FILE_EMPTY',
        'The file has no keyword rows under its header: export the keywords again and upload the new file.',
      );
    }
    await input.onStaged?.();
    // In direct mode every keyword already in the sector came from this file: later rows of it are duplicates.
    const hasKeywords = !direct || directRows > 0;

    // $1 sector, $2 account, $3 site, $4 import, $5 source, $6 id prefix.
    const { rows: counts } = !stagedRows
      ? { rows: [{ inserted: 0, updated: 0 }] }
      : await client.query<{ inserted: number; updated: number }>(
          `WITH s AS MATERIALIZED (
         SELECT DISTINCT ON (normalized) keyword, normalized, volume, difficulty, cpc, intent, inferred
         FROM import_rows WHERE reason IS NULL
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
          // A later prefix than the direct rows' (a millisecond on at least), so the ids cannot meet.
          [input.sectorId, input.accountId, input.siteId, input.importId, input.source, await laterPrefix(idPrefix)],
        );
    const inserted = directRows + (counts[0]?.inserted ?? 0);
    const updated = direct ? 0 : (counts[0]?.updated ?? 0);
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
