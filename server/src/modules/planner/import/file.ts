import type { TImportFormat, TImportMapping } from '@igny8/shared';
import { AppError } from '../../../errors.ts';
import { firstRecords, NO_DELIMITER, type CsvRecord } from './csv.ts';
import { FileDecoder, sniffEncoding, type FileEncoding } from './encoding.ts';
import { fileError } from './file-error.ts';
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

export { readRecords } from './csv.ts';
export { FileDecoder, sniffEncoding, type FileEncoding } from './encoding.ts';
export { fileError } from './file-error.ts';

/** How many bytes of the start of a file are enough to recognize it (encoding, delimiter, header). */
export const HEAD_BYTES = 64 * 1024;

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

/** Delimiters in each record (quoted cells may span lines), or in each line when no record could be read. */
function delimiterCounts(lines: string[], delimiter: string): number[] {
  const records = firstRecords(lines.join('\n'), delimiter, 30).filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (records.length > 0) return records.map((r) => r.cells.length - 1);
  return lines.filter((l) => l.trim() !== '').map((l) => countOutsideQuotes(l, delimiter));
}

/**
 * The delimiter of the lines: tab, semicolon or comma, whichever splits the most of the last records of the sample
 * into the same number of cells (title lines before the header, as Keyword Planner writes, do not count). Null for a
 * one-column list.
 */
export function detectDelimiter(lines: string[]): string | null {
  let best: { delimiter: string; frequency: number; cells: number } | null = null;
  for (const delimiter of ['\t', ';', ',']) {
    const sample = delimiterCounts(lines, delimiter).slice(0, 30);
    const tail = sample.length > 3 ? sample.slice(-Math.max(3, sample.length - 2)) : sample;
    const counts = new Map<number, number>();
    for (const n of tail) counts.set(n, (counts.get(n) ?? 0) + 1);
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

function sampleRecords(text: string, delimiter: string | null): CsvRecord[] {
  const records = firstRecords(text, delimiter, 40);
  if (records.length > 0) return records;
  // A quote left open in the first record: plain lines for recognition (the import names the line).
  return text
    .split(/\r\n|\n|\r/u)
    .map((l, i) => ({ line: i + 1, cells: l.split(delimiter ?? NO_DELIMITER), raw: l }))
    .filter((r) => r.cells.some((c) => c.trim() !== ''))
    .slice(0, 40);
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
  const decoder = new FileDecoder(encoding);
  let text = decoder.write(head) + (options.complete ? decoder.end() : '');
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
