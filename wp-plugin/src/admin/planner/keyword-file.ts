/**
 * Reads a keyword export in the browser, so the import wizard can send its text as JSON (the plugin forwards JSON
 * only). Keyword Planner downloads are UTF-16 and Excel likes a UTF-8 BOM: the text is decoded from the byte order
 * mark, like the server does for uploaded files. Spreadsheets (.xlsx, .xls) and other binary files are refused here,
 * with what to do, before anything is sent.
 */
import { __, sprintf } from '@wordpress/i18n';

export type KeywordFileReading = { ok: true; text: string; lines: number } | { ok: false; message: string };

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);

/** The text encoding named by a byte order mark, and how many bytes the mark takes. */
const encodingOf = (bytes: Uint8Array): { encoding: string; bomBytes: number } => {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return { encoding: 'utf-8', bomBytes: 3 };
  }
  if (startsWith(bytes, [0xff, 0xfe])) {
    return { encoding: 'utf-16le', bomBytes: 2 };
  }
  if (startsWith(bytes, [0xfe, 0xff])) {
    return { encoding: 'utf-16be', bomBytes: 2 };
  }
  return { encoding: 'utf-8', bomBytes: 0 };
};

/** Lines that hold something (the header line included). */
export const countLines = (text: string): number => text.split(/\r\n|\n|\r/).filter((line) => line.trim()).length;

/**
 * The text of a keyword file's bytes, or why it cannot be imported.
 *
 * @param bytes    The file's content.
 * @param fileName Its name, quoted in messages.
 * @param maxBytes The largest file this site accepts (PHP's upload and POST limits).
 */
export const decodeKeywordFile = (bytes: Uint8Array, fileName: string, maxBytes: number): KeywordFileReading => {
  if (bytes.length === 0) {
    /* translators: %s: file name */
    return { ok: false, message: sprintf(__('%s is empty. Choose a file with keywords in it.', 'igny8'), fileName) };
  }
  if (bytes.length > maxBytes) {
    return {
      ok: false,
      message: sprintf(
        /* translators: 1: file name, 2: the size limit in megabytes */
        __(
          '%1$s is larger than this site accepts (%2$s MB). Split it into smaller files and import each one.',
          'igny8',
        ),
        fileName,
        (maxBytes / 1024 / 1024).toFixed(1),
      ),
    };
  }
  // .xlsx and .ods are ZIP archives; .xls is an OLE compound file.
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    return {
      ok: false,
      message: sprintf(
        /* translators: %s: file name */
        __(
          '%s is a spreadsheet, not a CSV file. Open it in your spreadsheet program and save it as CSV, then import that file.',
          'igny8',
        ),
        fileName,
      ),
    };
  }
  const { encoding, bomBytes } = encodingOf(bytes);
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(bomBytes));
  } catch {
    return {
      ok: false,
      message: sprintf(
        /* translators: %s: file name */
        __('%s is not UTF-8 or UTF-16 text. Save it as CSV (UTF-8) and import it again.', 'igny8'),
        fileName,
      ),
    };
  }
  if (text.includes('\u0000')) {
    return {
      ok: false,
      message: sprintf(
        /* translators: %s: file name */
        __('%s is not a text file. Export your keywords as CSV and import that file.', 'igny8'),
        fileName,
      ),
    };
  }
  const lines = countLines(text);
  if (lines === 0) {
    /* translators: %s: file name */
    return { ok: false, message: sprintf(__('%s has no keywords in it.', 'igny8'), fileName) };
  }
  return { ok: true, text, lines };
};

/** Reads a chosen file (see decodeKeywordFile). */
export const readKeywordFile = async (file: File, maxBytes: number): Promise<KeywordFileReading> =>
  decodeKeywordFile(new Uint8Array(await file.arrayBuffer()), file.name, maxBytes);
