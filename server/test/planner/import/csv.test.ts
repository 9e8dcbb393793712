import { describe, expect, it } from 'vitest';
import { PermanentJobError } from '../../../src/jobs/errors.ts';
import { MAX_RECORD_BYTES } from '../../../src/modules/planner/import/csv.ts';
import { planImport, readRecords } from '../../../src/modules/planner/import/file.ts';

/**
 * Lines of records and of CSV errors as a text editor numbers them, whatever the line ends, quoted line breaks,
 * byte order mark, encoding or piece size. Pure: no database (import-errors.test.ts runs the same through the job).
 */

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** [line, first cell] of each record under the header, or the error the import fails with. */
async function read(
  bytes: Buffer,
  size = 7,
  head = bytes.subarray(0, 64 * 1024),
): Promise<[number, string][] | PermanentJobError> {
  const plan = planImport(head, { complete: head.length === bytes.length });
  const seen: [number, string][] = [];
  try {
    for await (const r of readRecords(pieces(bytes, size), plan)) seen.push([r.line, r.cells[0]!]);
    return seen;
  } catch (error) {
    if (error instanceof PermanentJobError) return error;
    throw error;
  }
}

const HEADER = 'Keyword,Intent,Volume,Trend';

describe('record lines', () => {
  // Line 1 header; "a" spans 2-3; "b" 4; blank 5; "c" spans 6-8; "d" 9.
  const rows = [
    HEADER,
    '"a',
    'first",Informational,10,"0.1,0.2"',
    'b,Commercial,20,',
    '',
    'c,Commercial,30,"0.1',
    '',
    '0.2"',
    'd,Commercial,lots,',
  ];
  const expected: [number, string][] = [
    [2, 'a\nfirst'],
    [4, 'b'],
    [6, 'c'],
    [9, 'd'],
  ];

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`${name} line ends, also inside quoted cells, whatever the piece size`, async () => {
      const bytes = Buffer.from(rows.join(eol) + eol);
      for (const size of [1, 2, 3, 7, 64, 100_000]) {
        const records = await read(bytes, size);
        expect(records, `pieces of ${size}`).toEqual(expected.map(([line, k]) => [line, k.replace('\n', eol)]));
      }
    });
  }

  it('mixed line ends in one file (a CRLF header and LF rows, a lone CR)', async () => {
    const text = `${HEADER}\r\n"a\r\nfirst",x,1,\nb,x,2,\r\n\nc,x,3,"0.1\r\r\n0.2"\rd,x,4,\n`;
    // header 1; a 2-3; b 4; blank 5; c 6-8 (CR then CRLF inside the cell); d 9.
    expect(await read(Buffer.from(text))).toEqual([
      [2, 'a\r\nfirst'],
      [4, 'b'],
      [6, 'c'],
      [9, 'd'],
    ]);
  });

  it('a UTF-8 byte order mark and CRLF', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.join('\r\n'))]);
    expect(await read(bytes, 2)).toEqual(expected.map(([line, k]) => [line, k.replace('\n', '\r\n')]));
  });

  it('UTF-16LE with a byte order mark and two title lines before the header (Keyword Planner)', async () => {
    const text = [
      'Keyword Stats 2024-05-01 at 10_00_00',
      'All locations',
      'Keyword\tCurrency\tAvg. monthly searches',
      '"running\r\nshoes"\tUSD\t100',
      'trail shoes\tUSD\tlots',
      '',
      'race shoes\tUSD\t10',
    ].join('\r\n');
    const bytes = Buffer.from('\ufeff' + text, 'utf16le');
    expect(await read(bytes, 3)).toEqual([
      [4, 'running\r\nshoes'],
      [6, 'trail shoes'],
      [8, 'race shoes'],
    ]);
  });
});

describe('a quote that is never closed', () => {
  it('is reported on the line where it opens, after quoted cells that span lines, as a permanent failure', async () => {
    // header 1; "a" spans 2-3; b 4; the quote opens on line 5 and runs to the end.
    const text = `${HEADER}\r\n"a\r\nfirst",x,1,\r\nb,x,2,\r\n"running shoes,x,3,\r\nmore shoes,x,4,\r\nlast,x,5,\r\n`;
    for (const size of [1, 5, 100_000]) {
      const error = await read(Buffer.from(text), size);
      expect(error).toBeInstanceOf(PermanentJobError);
      expect((error as PermanentJobError).code).toBe('IMPORT_CSV_INVALID');
      expect((error as PermanentJobError).message).toBe(
        'Line 5, character 1: the quote (") that opens the "Keyword" cell is never closed, so everything after it ' +
          'up to the end of the file would be one cell. The line reads: "running shoes,x,3,. Add the closing quote ' +
          '(or remove the opening one) on line 5, save the file and upload it again.',
      );
    }
  });

  it('names the cell and the character when the quote opens later in the line, or on a later line of the row', async () => {
    const inRow = await read(Buffer.from(`${HEADER}\nok,x,1,\nshoes,x,1,"0.1,0.2\nnext,x,2,\n`));
    expect((inRow as PermanentJobError).message).toMatch(
      /^Line 3, character 11: the quote \("\) that opens the "Trend" cell is never closed/u,
    );
    // The row starts on line 4 with a closed multi-line cell; the open quote is on line 5.
    const later = await read(Buffer.from(`${HEADER}\nok,x,1,\nok,x,2,\n"two\nlines",x,"1\n${'more,x,2,\n'.repeat(3)}`));
    expect((later as PermanentJobError).message).toMatch(
      /^Line 5, character 10: the quote \("\) that opens the "Volume" cell is never closed/u,
    );
  });

  it('in a one-column list', async () => {
    const error = await read(Buffer.from('Keyword\nshoes\n"boots\nsocks\n'));
    expect((error as PermanentJobError).message).toMatch(
      /^Line 3, character 1: the quote \("\) that opens the keyword is never closed/u,
    );
  });

  it(`stops at ${MAX_RECORD_BYTES / 1024 / 1024} MB of an open quote in a large file, and still names its line`, async () => {
    const head = `${HEADER}\n` + 'shoes,x,1,\n'.repeat(1000) + 'open,x,"1\n';
    const bytes = Buffer.from(head + 'keyword after the quote,x,1,\n'.repeat(100_000)); // about 3 MB
    const error = await read(bytes, 1024 * 1024);
    expect((error as PermanentJobError).message).toBe(
      'Line 1,002, character 8: the quote (") that opens the "Volume" cell is still not closed 1 MB later, so ' +
        'everything after it would be one cell. The line reads: open,x,"1. Add the closing quote (or remove the ' +
        'opening one) on line 1,002, save the file and upload it again.',
    );
  });

  it('a line longer than the limit without quotes', async () => {
    const bytes = Buffer.from(`${HEADER}\nshoes,x,1,\n${'x'.repeat(MAX_RECORD_BYTES + 10)}\n`);
    expect((await read(bytes, 65_536)) as PermanentJobError).toMatchObject({
      code: 'IMPORT_CSV_INVALID',
      message: expect.stringMatching(/^Line 3 is longer than 1 MB, so it is not a row of keywords\./u),
    });
  });
});

describe('bad bytes while reading', () => {
  it('fail the import at once with the byte and line', async () => {
    // The beginning of the file (what the upload recognized) is fine; the bad byte comes later.
    const head = Buffer.from(`${HEADER}\n"a\nb",x,1,\n`);
    const bytes = Buffer.concat([head, Buffer.from('c'), Buffer.from([0xe9]), Buffer.from(',x,2,\n')]);
    const error = await read(bytes, 4, head);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error).toMatchObject({
      code: 'IMPORT_FILE_INVALID',
      message: expect.stringMatching(/^This file is not valid UTF-8: byte 41 \(on line 4\) has the value 0xE9/u),
    });
  });
});
