import type { KeywordIntent } from '../../../generated/prisma/client.ts';

/** A cell the tools write when they have no value. */
const BLANK = /^(?:|-|–|—|n\/a|na|null|none|\?)$/iu;

export class CellError extends Error {}

const MULTIPLIER: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9 };

/**
 * A plain decimal number from an export cell, tolerant of the ways tools write them: thousands separators
 * ("1,300", "1 300", "1.300.000"), a decimal comma ("1,25"), currency signs ("$1.20", "1,20 €"), a trailing "%",
 * and k/M suffixes ("1.3K"). Returns null for an empty cell; throws CellError when it is not a number.
 */
export function parseNumber(raw: string, what: string): number | null {
  let s = raw.trim();
  if (BLANK.test(s)) return null;
  s = s.replace(/[\s\u00a0\u202f]/gu, '').replace(/^[+]/u, '');
  s = s.replace(/^(?:[A-Z]{3}|[$€£¥₹])|(?:[A-Z]{3}|[$€£¥₹])$/gu, '');
  if (s.endsWith('%')) s = s.slice(0, -1);
  let factor = 1;
  const suffix = /([kmb])$/iu.exec(s);
  if (suffix) {
    factor = MULTIPLIER[suffix[1]!.toLowerCase()]!;
    s = s.slice(0, -1);
  }
  const dot = s.lastIndexOf('.');
  const comma = s.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) {
    // Both: the last one is the decimal separator ("1,234.5" or "1.234,5").
    s = dot > comma ? s.replace(/,/gu, '') : s.replace(/\./gu, '').replace(',', '.');
  } else if (comma >= 0) {
    // "1,300" and "12,345,678" are thousands; "1,25" is a decimal comma.
    s = /^\d{1,3}(,\d{3})+$/u.test(s) ? s.replace(/,/gu, '') : s.replace(',', '.');
  } else if (/^\d{1,3}(\.\d{3}){2,}$/u.test(s)) {
    s = s.replace(/\./gu, '');
  }
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/iu.test(s)) {
    throw new CellError(`${what} "${truncate(raw, 40)}" is not a number`);
  }
  return Number(s) * factor;
}

/**
 * A monthly search volume. Ranges ("1K – 10K" from Keyword Planner without ad spend, "11.5k-30.3k" from Moz) count
 * as their midpoint, rounded; "<10" as 5 (the midpoint of 0-10); open ranges ("1M+", ">1M") as their bound.
 */
export function parseVolume(raw: string, what = 'volume'): number | null {
  const s = raw.trim();
  if (BLANK.test(s)) return null;
  const below = /^(?:<|&lt;|under\s*)\s*(.+)$/iu.exec(s);
  if (below) {
    const upper = parseNumber(below[1]!, what);
    return upper === null ? null : checkCount(Math.round(upper / 2), raw, what);
  }
  const above = /^(?:>|&gt;)\s*(.+)$|^(.+?)\s*\+$/u.exec(s);
  if (above) return checkCount(Math.round(parseNumber((above[1] ?? above[2])!, what) ?? 0), raw, what);
  const range = /^(.+?)\s*(?:–|—|-|to)\s*(.+)$/iu.exec(s);
  if (range && !s.startsWith('-')) {
    const low = parseNumber(range[1]!, what);
    const high = parseNumber(range[2]!, what);
    if (low !== null && high !== null) return checkCount(Math.round((low + high) / 2), raw, what);
  }
  // A count is never fractional: "12.100" is twelve thousand one hundred written with a dot for thousands.
  const n = parseNumber(/^\d{1,3}(\.\d{3})+$/u.test(s) ? s.replace(/\./gu, '') : s, what);
  return n === null ? null : checkCount(Math.round(n), raw, what);
}

function checkCount(n: number, raw: string, what: string): number {
  if (n < 0) throw new CellError(`${what} "${truncate(raw, 40)}" is negative`);
  if (n > 2_147_483_647) throw new CellError(`${what} "${truncate(raw, 40)}" is too large`);
  return n;
}

/** Keyword difficulty: 0-100 (a "%" is allowed), rounded. */
export function parseDifficulty(raw: string, what = 'difficulty'): number | null {
  const n = parseNumber(raw, what);
  if (n === null) return null;
  if (n < 0 || n > 100) throw new CellError(`${what} "${truncate(raw, 40)}" is not between 0 and 100`);
  return Math.round(n);
}

/** Cost per click: a non-negative amount in the export's currency. */
export function parseCpc(raw: string, what = 'CPC'): number | null {
  const n = parseNumber(raw, what);
  if (n === null) return null;
  if (n < 0) throw new CellError(`${what} "${truncate(raw, 40)}" is negative`);
  return Math.round(n * 10_000) / 10_000;
}

const INTENT_WORDS: Record<string, KeywordIntent> = {
  i: 'informational',
  info: 'informational',
  informational: 'informational',
  informative: 'informational',
  n: 'navigational',
  nav: 'navigational',
  navigational: 'navigational',
  c: 'commercial',
  commercial: 'commercial',
  investigation: 'commercial',
  'commercial investigation': 'commercial',
  t: 'transactional',
  transactional: 'transactional',
  transaction: 'transactional',
  // Semrush's API codes.
  '0': 'commercial',
  '1': 'informational',
  '2': 'navigational',
  '3': 'transactional',
};

/**
 * A search intent as the tools write it: words ("Commercial"), Semrush's letters ("I", "C, T") or API codes
 * ("0".."3"), or a list of several (the first one counts). Null when the cell is empty or not an intent.
 */
export function parseIntent(raw: string): KeywordIntent | null {
  const s = raw.trim().toLowerCase();
  if (BLANK.test(s)) return null;
  for (const part of s.split(/[,;/|]/u)) {
    const intent = INTENT_WORDS[part.trim()];
    if (intent) return intent;
  }
  return null;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
