import { describe, expect, it } from 'vitest';
import { articleToBlocks } from '../../../src/modules/writer/content/blocks.ts';
import {
  countTextWords,
  countWords,
  lengthBounds,
  lengthWithin,
  textOf,
} from '../../../src/modules/writer/content/words.ts';

describe('countWords', () => {
  it('counts the words of plain text, contractions and numbers as one each', () => {
    expect(countTextWords('The quick brown fox — jumps over the lazy dog.')).toBe(9);
    expect(countTextWords("Don't stop: 3.5 million e-mails, 100% sure!")).toBe(8);
    expect(countTextWords('   ')).toBe(0);
  });

  it('counts accented and non-Latin words (Unicode word boundaries)', () => {
    expect(countTextWords('Größe und Maß über alles')).toBe(5);
    expect(countTextWords('Привет, как дела?')).toBe(3);
    expect(countTextWords('Ελληνικά κείμενα εδώ')).toBe(3);
    expect(countTextWords('안녕하세요 세계')).toBe(2); // Korean separates words with spaces
  });

  it('counts Chinese and Japanese characters one by one (like WordPress for those locales)', () => {
    expect(countTextWords('我爱北京')).toBe(4);
    expect(countTextWords('東京へ行きます')).toBe(7);
    expect(countTextWords('我用iPhone拍照')).toBe(5); // 4 characters + the Latin word
  });

  it('counts the visible text of block markup: delimiters, tags and attributes are not words', () => {
    const markup = articleToBlocks([
      {
        heading: 'Two words',
        html: '<p>One <strong>two</strong> three</p><ul><li>four</li><li>five</li></ul><table><tr><td>six</td><td>seven</td></tr></table>',
      },
    ]);
    expect(countWords(markup)).toBe(9);
  });

  it('separates words at block boundaries but not inside inline elements', () => {
    expect(countWords('<p>end</p><p>start</p>')).toBe(2);
    expect(countWords('<li>a</li><li>b</li>')).toBe(2);
    expect(countWords('w<strong>or</strong>d')).toBe(1);
    expect(countWords('line<br>break')).toBe(2);
    expect(textOf('<p>a</p><script>var x = 1</script><p>b</p>')).toBe('a b');
  });
});

describe('lengthWithin', () => {
  it('accepts 15% either side by default, bounds included (3,000 -> 2,550..3,450)', () => {
    expect(lengthBounds(3000)).toEqual({ min: 2550, max: 3450 });
    expect(lengthWithin(2550, 3000)).toBe(true);
    expect(lengthWithin(3450, 3000)).toBe(true);
    expect(lengthWithin(2549, 3000)).toBe(false);
    expect(lengthWithin(3451, 3000)).toBe(false);
    expect(lengthBounds(800)).toEqual({ min: 680, max: 920 });
    expect(lengthBounds(4000)).toEqual({ min: 3400, max: 4600 });
  });

  it('takes another tolerance and refuses nonsense', () => {
    expect(lengthWithin(900, 1000, 0.1)).toBe(true);
    expect(lengthWithin(899, 1000, 0.1)).toBe(false);
    expect(() => lengthWithin(10, 0)).toThrow(RangeError);
  });
});
