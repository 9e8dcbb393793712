import type { TImportFormat, TImportMapping } from '@igny8/shared';
import { parse, type Info, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { AppError } from '../../../errors.ts';
import {
  FORMATS,
  formatById,
  headerKey,
  LIST_HEADERS,
  planFromMapping,
  SOURCE_OF,
  type ColumnPlan,
} from './formats.ts';
import { parseNumber } from './values.ts';

export type FileEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** How many bytes of the start of a file are enough to recognize it (encoding, delimiter, header). */
export const HEAD_BYTES = 64 * 1024;

/** A whole-file problem: 422 with the file named as the bad field and what to do about it. */
export function fileError(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { fields: [{ in: 'body', field: 'file', message }] });
}

const SAVE_AS_CSV =
  'In Excel use File > Save As > "CSV UTF-8 (Comma delimited)"; in Google Sheets File > Download > "Comma-separated values (.csv)"; then upload that file.';

const MAGIC: { bytes: number[]; what: string; advice: string }[] = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'an Excel workbook (.xlsx) or a ZIP archive',
    advice: `Export it as CSV instead (Search Console downloads a ZIP: unzip it and upload Queries.csv). ${SAVE_AS_CSV}`,
  },
  {
    bytes: [0x50, 0x4b, 0x05, 0x06],
    what: 'an empty ZIP archive',
    advice: 'Upload the CSV file itself.',
  },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    what: 'an old Excel workbook (.xls)',
    advice: `Export it as CSV instead. ${SAVE_AS_CSV}`,
  },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', advice: 'Export the keywords as CSV from your tool.' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image', advice: 'Export the keywords as CSV from your tool.' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image', advice: 'Export the keywords as CSV from your tool.' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image', advice: 'Export the keywords as CSV from your tool.' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive', advice: 'Decompress it and upload the CSV inside.' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive', advice: 'Extract it and upload the CSV.' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive', advice: 'Extract it and upload the CSV inside.' },
];

/**
 * The encoding of a file from its first bytes: a byte order mark, else the NUL pattern of UTF-16 text without one
 * (ASCII letters alternate with zero bytes), else UTF-8 (checked byte by byte while reading). Refuses known
 * binary formats by their magic numbers and any other file with NUL bytes.
 */
export function sniffEncoding(head: Buffer): FileEncoding {
  for (const magic of MAGIC) {
    if (head.length >= magic.bytes.length && magic.bytes.every((b, i) => head[i] === b)) {
      throw fileError(`This file is ${magic.what}, not a CSV or TSV text file. ${magic.advice}`);
    }
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const sample = head.subarray(0, Math.min(head.length, 4096) & ~1);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const pairs = sample.length / 2;
  if (pairs >= 2 && oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (pairs >= 2 && evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return 'utf-16be';
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw fileError(
      `This file contains binary data (a NUL byte at byte ${nul + 1}), so it is not a CSV or TSV text file. ${SAVE_AS_CSV}`,
    );
  }
  return 'utf-8';
}

/** Checks UTF-8 while the file streams in: throws a 422 at the first invalid byte sequence. */
export class Utf8Checker {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #offset = 0;

  write(chunk: Buffer): void {
    try {
      this.#decoder.decode(chunk, { stream: true });
    } catch {
      throw invalidUtf8(this.#offset);
    }
    if (chunk.includes(0)) {
      throw fileError(
        `This file contains binary data (a NUL byte after byte ${this.#offset}), so it is not a CSV or TSV text file. ${SAVE_AS_CSV}`,
      );
    }
    this.#offset += chunk.length;
  }

  end(): void {
    try {
      this.#decoder.decode();
    } catch {
      throw invalidUtf8(this.#offset);
    }
  }
}

function invalidUtf8(offset: number): AppError {
  return fileError(
    `This file is not valid UTF-8 (an invalid byte sequence after byte ${offset}): it was probably saved in another ` +
      'encoding such as Windows-1252 or ISO-8859-1. Save it again as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)"; ' +
      'in LibreOffice: Character set "Unicode (UTF-8)") and upload it again.',
  );
}

/** Decodes a stream of bytes into text, chunk by chunk; the byte order mark is dropped. */
export interface TextDecoderLike {
  write(chunk: Buffer): string;
  end(): string;
}

/**
 * UTF-8 goes through the platform's TextDecoder in fatal mode (a wrong byte must be refused, never replaced);
 * UTF-16 through iconv-lite, which carries surrogate pairs and odd bytes across chunk boundaries and drops the BOM.
 */
export function decoderFor(encoding: FileEncoding): TextDecoderLike {
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    return {
      write: (chunk) => decoder.decode(chunk, { stream: true }),
      end: () => decoder.decode(),
    };
  }
  const decoder = iconv.getDecoder(encoding);
  return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
}

/** Counts a delimiter outside quotes. */
function countOutsideQuotes(line: string, delimiter: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) n++;
  }
  return n;
}

/**
 * The delimiter of the lines: tab, semicolon or comma, whichever splits the most of the last lines of the sample
 * into the same number of cells (title lines before the header, as Keyword Planner writes, do not count). Null for a
 * one-column list.
 */
export function detectDelimiter(lines: string[]): string | null {
  const sample = lines.filter((l) => l.trim() !== '').slice(0, 30);
  const tail = sample.length > 3 ? sample.slice(-Math.max(3, sample.length - 2)) : sample;
  let best: { delimiter: string; frequency: number; cells: number } | null = null;
  for (const delimiter of ['\t', ';', ',']) {
    const counts = new Map<number, number>();
    for (const line of tail) {
      const n = countOutsideQuotes(line, delimiter);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    let mode = 0;
    let frequency = 0;
    for (const [n, f] of counts) if (f > frequency || (f === frequency && n > mode)) [mode, frequency] = [n, f];
    if (mode === 0) continue;
    if (!best || frequency > best.frequency || (frequency === best.frequency && mode > best.cells)) {
      best = { delimiter, frequency, cells: mode };
    }
  }
  return best?.delimiter ?? null;
}

/** What the import job needs to read a file: decided once from its first bytes, the same way every time. */
export interface ImportPlan {
  encoding: FileEncoding;
  /** Null for a one-column list. */
  delimiter: string | null;
  format: TImportFormat;
  source: string;
  /** 1-based line of the header row; 0 when the file has none. Lines before it are titles and are skipped. */
  headerLine: number;
  columns: string[];
  /** Null while the user has to map the columns. */
  columns_plan: ColumnPlan | null;
  sampleRows: string[][];
}

const CSV_OPTIONS = {
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  bom: true,
} satisfies Options;

/** A delimiter that never occurs in text: a one-column list is read one line per keyword, quotes allowed. */
const NO_DELIMITER = '\u0001';

interface SampleRecord {
  line: number;
  cells: string[];
}

function sampleRecords(text: string, delimiter: string | null): SampleRecord[] {
  try {
    const rows = parseSync(text, {
      ...CSV_OPTIONS,
      delimiter: delimiter ?? NO_DELIMITER,
      info: true,
      raw: true,
      to: 40,
    }) as unknown as { record: string[]; info: Info; raw: string }[];
    return rows.map((r) => ({ line: startLine(r.info, r.raw), cells: r.record }));
  } catch {
    // An unterminated quote in the sample: fall back to plain lines for recognition.
    return text
      .split(/\r\n|\n|\r/u)
      .map((l, i) => ({ line: i + 1, cells: l.split(delimiter ?? NO_DELIMITER) }))
      .filter((r) => r.cells.some((c) => c.trim() !== ''))
      .slice(0, 40);
  }
}

/** csv-parse counts the line a record ends on; a quoted cell may span lines. */
export function startLine(info: Info, raw: string): number {
  // Leading and trailing line breaks belong to the separators, not the record.
  let start = 0;
  let end = raw.length;
  while (start < end && (raw.charCodeAt(start) === 10 || raw.charCodeAt(start) === 13)) start++;
  while (end > start && (raw.charCodeAt(end - 1) === 10 || raw.charCodeAt(end - 1) === 13)) end--;
  let newlines = 0;
  for (let i = raw.indexOf('\n', start); i >= 0 && i < end; i = raw.indexOf('\n', i + 1)) newlines++;
  return Number(info.lines) - newlines;
}

function isNumeric(cell: string): boolean {
  const s = cell.trim();
  if (s === '') return false;
  try {
    return parseNumber(s, 'value') !== null;
  } catch {
    return /^\d{4}-\d{2}-\d{2}/u.test(s);
  }
}

export interface PlanOptions {
  /** The whole file is in `head` (so a missing data row means the file has none). */
  complete: boolean;
  format?: TImportFormat | undefined;
  mapping?: TImportMapping | undefined;
}

/**
 * Recognizes a file from its first bytes: encoding, delimiter, which line is the header and which export layout it
 * has. Throws a 422 for files that cannot be imported (empty, header only, no column that can hold keywords, a
 * mapping naming a column that does not exist, a forced format whose columns are missing).
 */
export function planImport(head: Buffer, options: PlanOptions): ImportPlan {
  if (head.length === 0) throw fileError('The file is empty: export the keywords again and upload the new file.');
  const encoding = sniffEncoding(head);
  let text: string;
  try {
    const decoder = decoderFor(encoding);
    text = decoder.write(head) + (options.complete ? decoder.end() : '');
  } catch {
    throw invalidUtf8(0);
  }
  text = text.replace(/^\ufeff/u, '');
  if (!options.complete) text = text.slice(0, Math.max(0, text.search(/[\r\n][^\r\n]*$/u)));
  if (text.trim() === '') {
    throw fileError('The file is empty (it has no text, only blank lines): export the keywords again and upload it.');
  }
  const lines = text.split(/\r\n|\n|\r/u).slice(0, 40);
  const forced = options.format && options.format !== 'custom' ? options.format : undefined;
  const delimiter = forced === 'list' ? null : detectDelimiter(lines);
  const records = sampleRecords(lines.join('\n'), delimiter);
  if (records.length === 0) throw fileError('The file is empty: export the keywords again and upload the new file.');

  const result = (
    format: TImportFormat,
    headerIndex: number,
    columns: string[],
    columnsPlan: ColumnPlan | null,
  ): ImportPlan => {
    const data = records.slice(headerIndex + 1);
    if (data.length === 0 && options.complete) {
      throw fileError(
        'The file has a header row but no keyword rows under it: export the keywords again (check the filters of the export) and upload it.',
      );
    }
    return {
      encoding,
      delimiter,
      format,
      source: SOURCE_OF[format],
      headerLine: headerIndex >= 0 ? records[headerIndex]!.line : 0,
      columns,
      columns_plan: columnsPlan,
      sampleRows: data.slice(0, 5).map((r) => r.cells.map((c) => (c.length > 100 ? `${c.slice(0, 99)}…` : c))),
    };
  };

  // A one-column list: every line is a keyword, after an optional "Keyword" title.
  if (delimiter === null) {
    const first = records[0]!.cells[0] ?? '';
    const titled = LIST_HEADERS.has(headerKey(first));
    const columns = [titled ? first.trim() : 'Keyword'];
    const listPlan: ColumnPlan = {
      keyword: 0,
      volume: [],
      difficulty: null,
      cpc: [],
      intent: null,
      intentFlags: [],
      mapping: { keyword: columns[0]! },
    };
    if (options.mapping && headerKey(options.mapping.keyword) !== headerKey(columns[0]!)) {
      throw mappingError('keyword', options.mapping.keyword, columns);
    }
    return result(options.mapping ? 'custom' : 'list', titled ? 0 : -1, columns, listPlan);
  }

  // The user's own mapping: the first line is the header.
  if (options.mapping) {
    const header = records[0]!.cells;
    const planned = planFromMapping(header, options.mapping);
    if ('badField' in planned) {
      throw mappingError(planned.badField, options.mapping[planned.badField as keyof TImportMapping]!, header);
    }
    return result('custom', 0, header, planned);
  }

  // A known layout: its header may follow a few title lines.
  const candidates = forced ? [formatById(forced)].filter((f) => f !== undefined) : FORMATS;
  for (let i = 0; i < Math.min(records.length, 6); i++) {
    for (const format of candidates) {
      const planned = format.match(records[i]!.cells);
      if (planned) return result(format.id, i, records[i]!.cells, planned);
    }
  }
  if (forced && forced !== 'list') {
    const format = formatById(forced)!;
    throw fileError(
      `This file does not have the columns of a ${format.label} export: it needs ${format.expects}. ` +
        `Its first line is "${lines.find((l) => l.trim() !== '')!.slice(0, 200)}". Upload the export as the tool made it, or leave the format out to map the columns yourself.`,
    );
  }

  // Unrecognized: offer a mapping, unless no column can hold a keyword.
  const first = records[0]!.cells;
  const headerless = first.some(isNumeric);
  const columns = headerless ? first.map((_, i) => `Column ${i + 1}`) : first.map((c) => c.trim());
  const data = headerless ? records : records.slice(1);
  const textColumns = columns.filter((_, c) =>
    data.some((r) => (r.cells[c] ?? '').trim() !== '' && !isNumeric(r.cells[c]!)),
  );
  if (data.length > 0 && textColumns.length === 0) {
    throw fileError(
      `No column of this file holds keywords: every column (${columns.join(', ')}) has only numbers or dates. ` +
        'Export the keyword or query report (for Search Console: the "Queries" tab) and upload it.',
    );
  }
  return result('custom', headerless ? -1 : 0, columns, null);
}

function mappingError(field: string, column: string, columns: string[]): AppError {
  const message = `mapping.${field} names the column "${column}", which is not in the file; its columns are: ${columns
    .map((c) => `"${c}"`)
    .join(', ')}.`;
  return new AppError('VALIDATION_FAILED', `The column mapping is invalid: ${message}`, {
    fields: [{ in: 'body', field: `mapping.${field}`, message }],
  });
}

export interface FileRecord {
  /** Line in the file where the record starts (1-based). */
  line: number;
  cells: string[];
  /** The record as written in the file (made on demand: only bad rows need it). */
  raw: () => string;
}

/**
 * Reads the records of a stored file in order, chunk by chunk: bytes are decoded and parsed as they come, so memory
 * stays flat whatever the file size. Lines up to and including the header are skipped. `onBytes` reports progress.
 */
export async function* readRecords(
  chunks: AsyncIterable<Buffer>,
  plan: ImportPlan,
  onBytes?: (bytes: number) => Promise<void>,
): AsyncGenerator<FileRecord> {
  const decoder = decoderFor(plan.encoding);
  const parser = parse({
    ...CSV_OPTIONS,
    delimiter: plan.delimiter ?? NO_DELIMITER,
    info: true,
    raw: true,
  });
  const feed = (async () => {
    for await (const chunk of chunks) {
      let text: string;
      try {
        text = decoder.write(chunk);
      } catch {
        throw invalidUtf8(0);
      }
      if (text && !parser.write(text)) await new Promise((resolve) => parser.once('drain', resolve));
      await onBytes?.(chunk.length);
    }
    const tail = decoder.end();
    if (tail) parser.write(tail);
    parser.end();
  })();
  feed.catch((error: unknown) => parser.destroy(error as Error));
  for await (const item of parser as AsyncIterable<{ record: string[]; info: Info; raw: string }>) {
    const line = startLine(item.info, item.raw);
    if (line <= plan.headerLine) continue;
    const raw = item.raw;
    yield { line, cells: item.record, raw: () => raw.replace(/^[\r\n]+|[\r\n]+$/gu, '') };
  }
  await feed;
}
