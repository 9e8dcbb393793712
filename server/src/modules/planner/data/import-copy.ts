import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PermanentJobError } from '../../../jobs/errors.ts';
import {
  finishImport,
  mergeStagedKeywords,
  STAGED_COLUMNS,
  storeStagedErrors,
  type SqlRunner,
} from './import-merge.ts';
import type { KeywordRow } from '../import/rows.ts';
import { timeOrderedIdPrefix } from '../import/ids.ts';

/** One record of the file as the parser hands it over: a keyword, or the reason the row is not one. */
export type ParsedRecord = { line: number; row: KeywordRow } | { line: number; error: string; raw: string };

/** What either write of an import (COPY on PostgreSQL, staged on the embedded database) takes. */
export interface ImportWriteInput {
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

export interface CopyWriteInput extends ImportWriteInput {
  databaseUrl: string;
}

export interface CopyWriteResult {
  total: number;
  failed: number;
  inserted: number;
  updated: number;
}

/** The staging table of a PostgreSQL import: temporary, on the import's own connection. */
const STAGED = () => 'import_rows';

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
    await client.query(`CREATE TEMP TABLE import_rows (${STAGED_COLUMNS}) ON COMMIT DROP`);

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

    const q: SqlRunner = async (text, params) => (await client.query(text, params)).rows;
    const counts = !stagedRows
      ? { inserted: 0, updated: 0 }
      : await mergeStagedKeywords(q, {
          ...input,
          stagedRows: STAGED,
          hasKeywords,
          // A later prefix than the direct rows' (a millisecond on at least), so the ids cannot meet.
          idPrefix: await laterPrefix(idPrefix),
        });
    const inserted = directRows + counts.inserted;
    const updated = direct ? 0 : counts.updated;
    if (failed > 0) await storeStagedErrors(q, input.importId, STAGED);
    await finishImport(q, { importId: input.importId, sectorId: input.sectorId, total, inserted, updated, failed });
    await client.query('COMMIT');
    open = false;
    return { total, failed, inserted, updated };
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}
