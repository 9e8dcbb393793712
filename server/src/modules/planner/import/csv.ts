import { CsvError, parse, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { AppError } from '../../../errors.ts';
import { PermanentJobError } from '../../../jobs/errors.ts';
import { FileDecoder } from './encoding.ts';
import { formatNumber } from './file-error.ts';
import type { ImportPlan } from './file.ts';

/** Longest row read (a keyword row is well under 1 KB): past it a quote left open stops the import at once. */
export const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_RECORD_MB = MAX_RECORD_BYTES / (1024 * 1024);

const CSV_OPTIONS = {
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  bom: true,
  // Every kind of line end, also mixed in one file (csv-parse would otherwise keep to the first one it sees).
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: MAX_RECORD_BYTES,
  raw: true,
} satisfies Options;

/** A delimiter that never occurs in text: a one-column list is read one line per keyword, quotes allowed. */
export const NO_DELIMITER = '\u0001';

const isLineEnd = (c: number) => c === 10 || c === 13;

/** Line ends (CRLF, LF or CR) in text[from, to). */
function lineEnds(text: string, from: number, to: number): number {
  // Most records have none: two native searches instead of a loop over every character.
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if ((lf < 0 || lf >= to) && (cr < 0 || cr >= to)) return 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (i + 1 < to && text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

/**
 * Follows the file's lines through csv-parse's records, as text editors number them. csv-parse's own `lines` is the
 * line where a record (or the parsing) ended, and it counts a CRLF inside a quoted cell twice. A record's raw text is
 * the blank lines skipped before it (one character each: a CRLF's LF is not kept), the record, then the first
 * character of the line end that closed it.
 */
export class RecordLines {
  /** The line where the text after the last record starts. */
  #next = 1;

  /** The line a record starts on; moves past the record. */
  take(raw: string): number {
    const blank = blankLines(raw);
    const line = this.#next + blank;
    const closed = raw.length > blank && isLineEnd(raw.charCodeAt(raw.length - 1));
    this.#next = line + lineEnds(raw, blank, closed ? raw.length - 1 : raw.length) + (closed ? 1 : 0);
    return line;
  }

  /** Where a record (finished or not) starts, and its text without the blank lines before it. */
  startOf(raw: string): { line: number; body: string } {
    const blank = blankLines(raw);
    return { line: this.#next + blank, body: raw.slice(blank) };
  }
}

/** The blank lines skipped before a record: one character each at the start of its raw text. */
function blankLines(raw: string): number {
  let blank = 0;
  while (blank < raw.length && isLineEnd(raw.charCodeAt(blank))) blank++;
  return blank;
}

interface ParsedRecord {
  record: string[];
  raw: string;
}

export interface CsvRecord {
  /** Line in the file where the record starts (1-based). */
  line: number;
  cells: string[];
  raw: string;
}

function csvOptions(delimiter: string | null, lines: RecordLines): Options {
  // Called in parsing order, so `lines` has passed every record before the one an error stops at.
  const onRecord = (r: ParsedRecord): CsvRecord => ({ line: lines.take(r.raw), cells: r.record, raw: r.raw });
  return {
    ...CSV_OPTIONS,
    delimiter: delimiter ?? NO_DELIMITER,
    // With raw: true csv-parse hands on_record { record, raw }, which its types do not say.
    on_record: onRecord as unknown as Options['on_record'],
  };
}

/**
 * The first records of a file's beginning, with their lines. A quote still open where the text ends (a cell cut off
 * by the end of the sample, or never closed) ends them: the records before it are returned.
 */
export function firstRecords(text: string, delimiter: string | null, limit: number): CsvRecord[] {
  const records: CsvRecord[] = [];
  const options = csvOptions(delimiter, new RecordLines());
  const onRecord = options.on_record as unknown as (r: ParsedRecord) => CsvRecord;
  const collect = (r: ParsedRecord) => {
    const record = onRecord(r);
    records.push(record);
    return record;
  };
  try {
    parseSync(text, { ...options, to: limit, on_record: collect as unknown as Options['on_record'] });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
  }
  return records;
}

/**
 * The cell whose opening quote is still open at the end of a record's text (csv-parse's rules with relax_quotes: a
 * quote opens a cell only as its first character, "" inside is a quote, any other quote closes it), or null.
 */
function openQuote(body: string, delimiter: string): { at: number; cell: number } | null {
  let quoting = false;
  let cellStart = true;
  let cell = 0;
  let at = -1;
  let quotedCell = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoting) {
      if (c === '"') {
        if (body[i + 1] === '"') i++;
        else quoting = false;
      }
    } else if (c === '"' && cellStart) {
      quoting = true;
      at = i;
      quotedCell = cell;
      cellStart = false;
    } else if (c === delimiter) {
      cell++;
      cellStart = true;
    } else cellStart = false;
  }
  return quoting ? { at, cell: quotedCell } : null;
}

/** What to tell the user about a file csv-parse cannot split into rows: where the problem starts and what to do. */
export function csvProblem(
  error: CsvError,
  lines: RecordLines,
  plan: Pick<ImportPlan, 'delimiter' | 'columns' | 'headerLine'>,
) {
  const { line, body } = lines.startOf(typeof error.raw === 'string' ? error.raw : '');
  const open = openQuote(body, plan.delimiter ?? NO_DELIMITER);
  if (open && (error.code === 'CSV_QUOTE_NOT_CLOSED' || error.code === 'CSV_MAX_RECORD_SIZE')) {
    const quoteLine = line + lineEnds(body, 0, open.at);
    let lineStart = open.at;
    while (lineStart > 0 && !isLineEnd(body.charCodeAt(lineStart - 1))) lineStart--;
    const name = quoteLine > plan.headerLine ? plan.columns[open.cell] : undefined;
    const cell = plan.delimiter === null ? 'the keyword' : name ? `the "${name}" cell` : `cell ${open.cell + 1}`;
    const text = body.slice(lineStart).split(/\r|\n/u, 1)[0]!;
    const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    const rest =
      error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'never closed, so everything after it up to the end of the file would be one cell'
        : `still not closed ${MAX_RECORD_MB} MB later, so everything after it would be one cell`;
    return new PermanentJobError(
      'IMPORT_CSV_INVALID',
      `Line ${formatNumber(quoteLine)}, character ${formatNumber(open.at - lineStart + 1)}: the quote (") that opens ${cell} is ` +
        `${rest}. The line reads: ${shown}. Add the closing quote ` +
        `(or remove the opening one) on line ${formatNumber(quoteLine)}, save the file and upload it again.`,
    );
  }
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return new PermanentJobError(
      'IMPORT_CSV_INVALID',
      `Line ${formatNumber(line)} is longer than ${MAX_RECORD_MB} MB, so it is not a row of keywords. ` +
        'Check that this is the keyword export of your tool (one keyword per line), save it again as CSV and upload it.',
    );
  }
  return new PermanentJobError(
    'IMPORT_CSV_INVALID',
    `Line ${formatNumber(line)} cannot be split into cells. Check the quotes and separators on that line, save the file ` +
      'and upload it again.',
  );
}

/** A failure that the next attempt would meet again (the file itself): fails the job at once. */
function permanent(error: unknown): unknown {
  if (error instanceof AppError) return new PermanentJobError('IMPORT_FILE_INVALID', error.message);
  return error;
}

/**
 * Reads the records of a stored file in order, chunk by chunk: bytes are decoded and parsed as they come, so memory
 * stays flat whatever the file size. Lines up to and including the header are skipped. `onBytes` reports progress.
 * A file that cannot be read (bad bytes, a quote left open) fails with a PermanentJobError naming where.
 */
export async function* readRecords(
  chunks: AsyncIterable<Buffer>,
  plan: ImportPlan,
  onBytes?: (bytes: number) => Promise<void>,
): AsyncGenerator<{ line: number; cells: string[]; raw: () => string }> {
  const decoder = new FileDecoder(plan.encoding);
  const lines = new RecordLines();
  const parser = parse(csvOptions(plan.delimiter, lines));
  const feed = (async () => {
    for await (const chunk of chunks) {
      if (parser.destroyed) return;
      const text = decoder.write(chunk);
      if (text && !parser.write(text)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            parser.off('drain', go).off('close', go);
            resolve();
          };
          parser.on('drain', go).on('close', go);
        });
      }
      await onBytes?.(chunk.length);
    }
    const tail = decoder.end();
    if (parser.destroyed) return;
    if (tail) parser.write(tail);
    parser.end();
  })();
  feed.catch((error: unknown) => parser.destroy(permanent(error) as Error));
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) {
      if (record.line <= plan.headerLine) continue;
      const raw = record.raw;
      yield { line: record.line, cells: record.cells, raw: () => raw.replace(/^[\r\n]+|[\r\n]+$/gu, '') };
    }
  } catch (error) {
    if (error instanceof CsvError) throw csvProblem(error, lines, plan);
    throw error;
  }
  await feed;
}
