// Word counts of article HTML or serialized block markup.
//
// Words are found with Intl.Segmenter (ICU's Unicode word boundaries, UAX #29): "don't", "e-mail" parts, "3.5" and
// accented or non-Latin words count as the ICU segmenter says. Chinese and Japanese text has no spaces, so like
// WordPress's own counter for those locales (type "characters_excluding_spaces") every Han, Hiragana or Katakana
// character counts as one word. Korean separates words with spaces and is counted by words.
import { parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';

/** Elements whose boundaries separate words (an inline element such as <strong> does not). */
const BREAKING = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'figure',
  'figcaption',
  'br',
  'div',
  'section',
  'article',
  'img',
  'hr',
  'cite',
]);
const INVISIBLE = new Set(['script', 'style', 'template', 'noscript']);

/** The visible text of HTML or block markup (block delimiters are comments and vanish), block boundaries as spaces. */
export function textOf(html: string): string {
  const parts: string[] = [];
  const walk = (nodes: T.ChildNode[]) => {
    for (const node of nodes) {
      if (node.nodeName === '#text') parts.push((node as T.TextNode).value);
      else if ('tagName' in node) {
        if (INVISIBLE.has(node.tagName)) continue;
        const breaking = BREAKING.has(node.tagName);
        if (breaking) parts.push(' ');
        walk(node.tagName === 'template' ? [] : node.childNodes);
        if (breaking) parts.push(' ');
      }
    }
  };
  walk(parseFragment(html).childNodes);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** Counts the words of plain text (see the header for the rules). */
export function countTextWords(text: string): number {
  let count = 0;
  for (const segment of segmenter.segment(text)) {
    if (!segment.isWordLike) continue;
    const cjk = segment.segment.match(CJK)?.length ?? 0;
    if (cjk === 0) {
      count += 1;
      continue;
    }
    count += cjk;
    // Latin letters or digits glued to CJK characters in the same segment count as one more word.
    if (/[\p{L}\p{N}]/u.test(segment.segment.replace(CJK, ''))) count += 1;
  }
  return count;
}

/** Counts the words a reader sees in HTML or serialized WordPress block markup. */
export function countWords(html: string): number {
  return countTextWords(textOf(html));
}

/** Whether `actual` is within `tolerance` (a fraction, 0.15 = ±15%) of `target`, bounds included. */
export function lengthWithin(actual: number, target: number, tolerance = 0.15): boolean {
  if (!(target > 0) || !(tolerance >= 0)) throw new RangeError('lengthWithin: target must be > 0 and tolerance >= 0');
  const { min, max } = lengthBounds(target, tolerance);
  return actual >= min && actual <= max;
}

/** The inclusive word-count range for a target (3,000 at 15% -> 2,550..3,450). */
export function lengthBounds(target: number, tolerance = 0.15): { min: number; max: number } {
  return { min: Math.ceil(target * (1 - tolerance) - 1e-9), max: Math.floor(target * (1 + tolerance) + 1e-9) };
}
