import { describe, expect, it } from 'vitest';
import { countLines, decodeKeywordFile } from './keyword-file';

const MB = 1024 * 1024;
const utf8 = (text: string) => new TextEncoder().encode(text);
const utf16le = (text: string, bom = true) => {
  const bytes = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  if (bom) {
    bytes.set([0xff, 0xfe]);
  }
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    bytes[(bom ? 2 : 0) + i * 2] = code & 0xff;
    bytes[(bom ? 2 : 0) + i * 2 + 1] = code >> 8;
  }
  return bytes;
};

describe('decodeKeywordFile', () => {
  it('reads UTF-8 text and counts the lines that hold something', () => {
    expect(decodeKeywordFile(utf8('keyword,volume\nshoes,10\n\nboots,5\n'), 'k.csv', MB)).toEqual({
      ok: true,
      text: 'keyword,volume\nshoes,10\n\nboots,5\n',
      lines: 3,
    });
  });

  it("drops Excel's UTF-8 byte order mark and reads Keyword Planner's UTF-16", () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('Keyword\nshoes')]);
    expect(decodeKeywordFile(withBom, 'k.csv', MB)).toMatchObject({ ok: true, text: 'Keyword\nshoes' });
    expect(decodeKeywordFile(utf16le('Keyword\tAvg. monthly searches\nzapatos\t1000'), 'kp.csv', MB)).toMatchObject({
      ok: true,
      text: 'Keyword\tAvg. monthly searches\nzapatos\t1000',
      lines: 2,
    });
  });

  it('refuses spreadsheets, binary, invalid UTF-8, empty and oversized files, naming the file and what to do', () => {
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    expect(decodeKeywordFile(xlsx, 'k.xlsx', MB)).toEqual({
      ok: false,
      message: expect.stringMatching(/^k\.xlsx is a spreadsheet.*save it as CSV/),
    });
    expect(decodeKeywordFile(new Uint8Array([0x61, 0x00, 0x62]), 'k.bin', MB)).toEqual({
      ok: false,
      message: expect.stringMatching(/^k\.bin is not a text file/),
    });
    expect(decodeKeywordFile(new Uint8Array([0x61, 0xff, 0xfe, 0xfd]), 'latin1.csv', MB)).toEqual({
      ok: false,
      message: expect.stringMatching(/^latin1\.csv is not UTF-8 or UTF-16 text/),
    });
    expect(decodeKeywordFile(new Uint8Array(), 'e.csv', MB)).toEqual({
      ok: false,
      message: expect.stringMatching(/^e\.csv is empty/),
    });
    expect(decodeKeywordFile(utf8('\n \n'), 'blank.csv', MB)).toEqual({
      ok: false,
      message: expect.stringMatching(/^blank\.csv has no keywords/),
    });
    expect(decodeKeywordFile(utf8('x'.repeat(2 * MB)), 'big.csv', MB)).toEqual({
      ok: false,
      message: expect.stringMatching(/^big\.csv is larger than this site accepts \(1\.0 MB\)/),
    });
  });
});

describe('countLines', () => {
  it('counts lines ending in \\n, \\r\\n or \\r and skips blank ones', () => {
    expect(countLines('a\r\nb\rc\n\n  \nd')).toBe(4);
  });
});
