import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { FileDecoder, LineCounter, type FileEncoding } from '../../../src/modules/planner/import/encoding.ts';

/**
 * FileDecoder names the first bad byte of a file by its place in the whole file and its line, however the file is
 * cut into pieces (upload pieces, 1 MB stored chunks). Pure: no database.
 */

/** Decodes `bytes` cut into pieces of `size` bytes; the error message, or the text. */
function decode(bytes: Buffer, encoding: FileEncoding, size: number): { text: string } | { error: string } {
  const decoder = new FileDecoder(encoding);
  let text = '';
  try {
    for (let i = 0; i < bytes.length; i += size) text += decoder.write(bytes.subarray(i, i + size));
    text += decoder.end();
    return { text };
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    return { error: (error as AppError).message };
  }
}

/** Every way of cutting small files, and a few piece sizes for larger ones. */
function pieceSizes(length: number): number[] {
  const sizes = length <= 64 ? Array.from({ length }, (_, i) => i + 1) : [1, 2, 3, 5, 7, 64, 1000, 65_536];
  return [...sizes, length + 1];
}

function utf16(text: string, encoding: 'utf-16le' | 'utf-16be', bom = true): Buffer {
  const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
  if (encoding === 'utf-16be') le.swap16();
  return le;
}

describe('LineCounter', () => {
  it('counts CRLF, LF and lone CR as one line end each, also when a CRLF is split between pieces', () => {
    const text = 'a\r\nb\nc\rd\r\n\r\ne\n\rf';
    // a=1 b=2 c=3 d=4 (blank)=5 e=6 (blank)=7 f=8
    for (let cut = 0; cut <= text.length; cut++) {
      const lines = new LineCounter();
      lines.add(text.slice(0, cut));
      lines.add(text.slice(cut));
      expect(lines.line, `cut at ${cut}`).toBe(8);
    }
  });
});

describe('UTF-8', () => {
  it('valid text with multi-byte characters passes whatever the piece size, the BOM dropped', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Keyword\r\ncafé 😀 日本\nñ\n')]);
    for (const size of pieceSizes(bytes.length)) {
      expect(decode(bytes, 'utf-8', size), `pieces of ${size}`).toEqual({ text: 'Keyword\r\ncafé 😀 日本\nñ\n' });
    }
  });

  const cases: [string, Buffer, string][] = [
    [
      'a Windows-1252 é after a BOM and multi-byte characters (the lead byte is the bad one)',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('Keyword\r\n日本\r\n"two\r\nlines"\r\ncaf'),
        Buffer.from([0xe9]),
        Buffer.from(' au lait\r\n'),
      ]),
      // 3 (BOM) + 9 + 8 + 14 + 3 = 37 bytes before it: byte 38, on line 5 (the quoted cell spans lines 3-4).
      'byte 38 (on line 5) has the value 0xE9',
    ],
    ['a continuation byte with no lead', Buffer.from('ab\n\x80cd', 'latin1'), 'byte 4 (on line 2) has the value 0x80'],
    [
      'an overlong encoding (0xC0 never starts a character)',
      Buffer.from('x\r\ny\r\n\xc0\xaf', 'latin1'),
      'byte 7 (on line 3) has the value 0xC0',
    ],
    [
      'a 4-byte lead followed by only two continuation bytes',
      Buffer.concat([Buffer.from('😀\n'), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('x')]),
      'byte 6 (on line 2) has the value 0xF0',
    ],
    [
      'an encoded surrogate (0xED 0xA0 is not allowed)',
      Buffer.concat([Buffer.from('ok\r'), Buffer.from([0xed, 0xa0, 0x80])]),
      'byte 4 (on line 2) has the value 0xED',
    ],
  ];
  for (const [name, bytes, where] of cases) {
    it(`${name}: named exactly whatever the piece size`, () => {
      for (const size of pieceSizes(bytes.length)) {
        const result = decode(bytes, 'utf-8', size);
        expect('error' in result && result.error, `pieces of ${size}`).toBe(
          `This file is not valid UTF-8: ${where}, which is not part of a UTF-8 character there. It was probably ` +
            'saved in another encoding such as Windows-1252 or ISO-8859-1. Save it again as UTF-8 (in Excel: "CSV ' +
            'UTF-8 (Comma delimited)"; in LibreOffice: Character set "Unicode (UTF-8)") and upload it again.',
        );
      }
    });
  }

  it('a bad byte 1.5 MB into the file, in the second 1 MB piece, is named by its place in the file', () => {
    const line = 'running shoes,1000\n'; // 19 bytes
    const before = Buffer.from('Keyword,Volume\n' + line.repeat(80_000)); // 15 + 1,520,000 bytes
    const bytes = Buffer.concat([before, Buffer.from('caf\xe9,10\n', 'latin1'), Buffer.from(line.repeat(10))]);
    for (const size of [1024 * 1024, 65_536, 1000]) {
      const result = decode(bytes, 'utf-8', size);
      expect('error' in result && result.error).toMatch(
        /^This file is not valid UTF-8: byte 1,520,019 \(on line 80,002\) has the value 0xE9,/u,
      );
    }
  });

  it('a file that ends inside a character', () => {
    const bytes = Buffer.concat([Buffer.from('a\nb\n'), Buffer.from([0xe6, 0x97])]);
    for (const size of pieceSizes(bytes.length)) {
      expect(decode(bytes, 'utf-8', size), `pieces of ${size}`).toEqual({
        error:
          'This file ends in the middle of a character that starts at byte 5 (on line 3): it was probably cut off. ' +
          'Export it again from your tool and upload the whole file.',
      });
    }
  });

  it('a NUL byte before a byte that is not UTF-8 makes the file binary data, not wrongly encoded text', () => {
    const bytes = Buffer.concat([Buffer.from('keyword\nshoes'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00])]);
    for (const size of pieceSizes(bytes.length)) {
      const result = decode(bytes, 'utf-8', size);
      expect('error' in result && result.error, `pieces of ${size}`).toMatch(
        /^This file contains binary data \(a NUL byte at byte 14, on line 2\), so it is not a CSV or TSV text file\./u,
      );
    }
  });

  it('a NUL byte is binary data, named with its line', () => {
    const bytes = Buffer.from('Keyword\nshoes\nab\x00c\n', 'latin1');
    for (const size of pieceSizes(bytes.length)) {
      const result = decode(bytes, 'utf-8', size);
      expect('error' in result && result.error, `pieces of ${size}`).toMatch(
        /^This file contains binary data \(a NUL byte at byte 17, on line 3\), so it is not a CSV or TSV text file\./u,
      );
    }
  });
});

describe('UTF-16', () => {
  for (const encoding of ['utf-16le', 'utf-16be'] as const) {
    it(`${encoding}: valid text with a surrogate pair passes whatever the piece size`, () => {
      const bytes = utf16('Keyword\tVolume\r\n😀 shoes\t10\r\n', encoding);
      for (const size of pieceSizes(bytes.length)) {
        expect(decode(bytes, encoding, size), `pieces of ${size}`).toEqual({
          text: 'Keyword\tVolume\r\n😀 shoes\t10\r\n',
        });
      }
    });

    it(`${encoding}: an unpaired surrogate is named by its byte in the file (BOM counted) and its line`, () => {
      // BOM (2 bytes) + "ab\r\n" (8) + "c" (2): the lone high surrogate is bytes 13-14, on line 2.
      const bytes = utf16('ab\r\nc\ud83dd\r\n', encoding);
      for (const size of pieceSizes(bytes.length)) {
        const result = decode(bytes, encoding, size);
        expect('error' in result && result.error, `pieces of ${size}`).toBe(
          'This file is not valid UTF-16: byte 13 (on line 2) holds half of a character with no other half ' +
            '(0xD83D, an unpaired surrogate), so the file was damaged. Export it again from your tool and upload ' +
            'the file as the tool saved it.',
        );
      }
      const lone = utf16('ab\nc\ude00', encoding, false);
      expect(decode(lone, encoding, 3)).toEqual({
        error: expect.stringMatching(/^This file is not valid UTF-16: byte 9 \(on line 2\) .*0xDE00/u),
      });
    });

    it(`${encoding}: a file with an odd number of bytes ends inside a character`, () => {
      const bytes = Buffer.concat([utf16('a\nb', encoding), Buffer.from([0x41])]);
      for (const size of pieceSizes(bytes.length)) {
        expect(decode(bytes, encoding, size), `pieces of ${size}`).toEqual({
          error: expect.stringMatching(
            /^This file ends in the middle of a character that starts at byte 9 \(on line 2\)/u,
          ),
        });
      }
    });
  }
});
