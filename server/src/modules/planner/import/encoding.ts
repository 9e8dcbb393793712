import { fileError, formatNumber, SAVE_AS_CSV } from './file-error.ts';

export type FileEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

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
  // Before any other byte is judged: a binary file is refused as such, not for its first byte that is not UTF-8.
  const nul = head.indexOf(0);
  if (nul >= 0) {
    const lines = new LineCounter();
    lines.add(head.subarray(0, nul).toString('latin1'));
    throw binaryData(nul, lines.line);
  }
  return 'utf-8';
}

/**
 * Counts the lines of text as it streams in, the way text editors number them: a line ends at CRLF, LF or a lone
 * CR, also when a CRLF is split between two pieces.
 */
export class LineCounter {
  /** The line the next character is on (1-based). */
  line = 1;
  #afterCr = false;

  add(text: string): void {
    // Native searches, one per line end: every byte of a file passes here.
    let ends = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) ends++;
    // A CR counts unless an LF follows it (that LF was counted), also across pieces.
    for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) ends++;
    if (this.#afterCr && text.charCodeAt(0) === 10) ends--;
    if (text.length > 0) this.#afterCr = text.charCodeAt(text.length - 1) === 13;
    this.line += ends;
  }

  copy(): LineCounter {
    const other = new LineCounter();
    other.line = this.line;
    other.#afterCr = this.#afterCr;
    return other;
  }
}

/** Where scanning stopped: the first invalid byte (or -1) and where an unfinished character at the end starts. */
interface Scan {
  bad: number;
  pending: number;
}

/** UTF-8 by the WHATWG decoder's rules; a sequence cut short is bad at its first byte. */
function scanUtf8(bytes: Uint8Array): Scan {
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b <= 0x7f) continue;
      start = i;
      if (b >= 0xc2 && b <= 0xdf) needed = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
      } else return { bad: i, pending: i };
      continue;
    }
    if (b < lower || b > upper) return { bad: start, pending: start };
    lower = 0x80;
    upper = 0xbf;
    if (++seen === needed) needed = seen = 0;
  }
  return { bad: -1, pending: needed === 0 ? bytes.length : start };
}

/** UTF-16: a high surrogate must be followed by a low one, a low one never stands alone. */
function scanUtf16(bytes: Uint8Array, littleEndian: boolean): Scan {
  const unit = (i: number) => unit16(bytes, i, littleEndian);
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    const u = unit(i);
    if (isLowSurrogate(u)) return { bad: i, pending: i };
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 3 >= bytes.length) return { bad: -1, pending: i };
      const next = unit(i + 2);
      if (!isLowSurrogate(next)) return { bad: i, pending: i };
      i += 2;
    }
  }
  return { bad: -1, pending: i };
}

/**
 * Decodes a file's bytes into text piece by piece, refusing (never replacing) a byte that is not valid in its
 * encoding, and naming that byte exactly: its place in the whole file (1-based, counted from the first byte, the
 * byte order mark included) and its line, whatever the size of the pieces. The byte order mark is dropped.
 */
export class FileDecoder {
  readonly #decoder: TextDecoder;
  readonly #lines = new LineCounter();
  /** Bytes written before the current piece. */
  #offset = 0;
  /** The last bytes written (up to 4: enough to hold any character). */
  #last: Buffer = Buffer.alloc(0);
  /** The end of the bytes written so far that does not finish a character yet (at most 3 bytes). */
  #pending: Buffer = Buffer.alloc(0);

  constructor(readonly encoding: FileEncoding) {
    this.#decoder = new TextDecoder(encoding, { fatal: true });
  }

  write(chunk: Buffer): string {
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: true });
    } catch {
      throw this.#invalid(chunk, false);
    }
    if (this.encoding === 'utf-8') {
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        const line = this.#lineAt(Buffer.concat([this.#pending, chunk]), this.#pending.length + nul);
        throw binaryData(this.#offset + nul, line);
      }
    }
    this.#lines.add(text);
    this.#offset += chunk.length;
    this.#last =
      chunk.length >= 4
        ? Buffer.from(chunk.subarray(chunk.length - 4))
        : Buffer.concat([this.#last, chunk]).subarray(-4);
    this.#pending = this.#last.subarray(this.#unfinishedAt(this.#last, this.#offset - this.#last.length));
    return text;
  }

  end(): string {
    try {
      return this.#decoder.decode();
    } catch {
      throw this.#invalid(Buffer.alloc(0), true);
    }
  }

  /** Where the character that the (valid) bytes end in the middle of starts, or bytes.length. */
  #unfinishedAt(bytes: Buffer, absoluteStart: number): number {
    let from = 0;
    if (this.encoding === 'utf-8') {
      // Continuation bytes at the start belong to a character that began earlier.
      while (from < bytes.length && (bytes[from]! & 0xc0) === 0x80) from++;
      return from + scanUtf8(bytes.subarray(from)).pending;
    }
    // UTF-16 units start at even places in the file; a low surrogate there ends a pair that began earlier.
    from = absoluteStart % 2;
    if (from + 1 < bytes.length && isLowSurrogate(unit16(bytes, from, this.encoding === 'utf-16le'))) from += 2;
    return from + scanUtf16(bytes.subarray(from), this.encoding === 'utf-16le').pending;
  }

  /** The line of `bytes[index]`, where `bytes` starts with the pending bytes (a character boundary). */
  #lineAt(bytes: Buffer, index: number): number {
    const lines = this.#lines.copy();
    lines.add(new TextDecoder(this.encoding).decode(bytes.subarray(0, index)));
    return lines.line;
  }

  #invalid(chunk: Buffer, atEnd: boolean) {
    // The pending bytes start a character, so a scan from them finds the first bad byte.
    const bytes = Buffer.concat([this.#pending, chunk]);
    let index = 0;
    if (!atEnd) {
      const scan = this.encoding === 'utf-8' ? scanUtf8(bytes) : scanUtf16(bytes, this.encoding === 'utf-16le');
      index = Math.max(0, scan.bad);
    }
    const at = this.#offset - this.#pending.length + index;
    const where = `byte ${formatNumber(at + 1)} (on line ${formatNumber(this.#lineAt(bytes, index))})`;
    if (atEnd) {
      return fileError(
        `This file ends in the middle of a character that starts at ${where}: it was probably cut off. ` +
          'Export it again from your tool and upload the whole file.',
      );
    }
    if (this.encoding === 'utf-8') {
      const nul = bytes.subarray(0, index).indexOf(0);
      if (nul >= 0) return binaryData(at - index + nul, this.#lineAt(bytes, nul));
      return fileError(
        `This file is not valid UTF-8: ${where} has the value 0x${hex(bytes[index]!)}, which is not part of a ` +
          'UTF-8 character there. It was probably saved in another encoding such as Windows-1252 or ISO-8859-1. ' +
          'Save it again as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)"; in LibreOffice: Character set ' +
          '"Unicode (UTF-8)") and upload it again.',
      );
    }
    const unit = unit16(bytes, index, this.encoding === 'utf-16le');
    return fileError(
      `This file is not valid UTF-16: ${where} holds half of a character with no other half (0x${unit
        .toString(16)
        .toUpperCase()}, an unpaired surrogate), so the file was damaged. Export it again from your tool and ` +
        'upload the file as the tool saved it.',
    );
  }
}

function unit16(bytes: Uint8Array, i: number, littleEndian: boolean): number {
  return littleEndian ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!;
}

const isLowSurrogate = (u: number) => u >= 0xdc00 && u <= 0xdfff;

const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

function binaryData(at: number, line: number) {
  return fileError(
    `This file contains binary data (a NUL byte at byte ${formatNumber(at + 1)}, on line ${formatNumber(line)}), ` +
      `so it is not a CSV or TSV text file. ${SAVE_AS_CSV}`,
  );
}
