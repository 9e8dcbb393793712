// Is the article written in the language the task asked for?
//
// franc (trigram profiles of 187 languages, pure JavaScript, no native build, no model download, maintained by
// wooorm) rather than cld (native bindings that need a compiler and break across Node versions) or franc-min (82
// languages only: it lacks Danish, Norwegian, Finnish, Slovak... which WordPress sites are written in). franc speaks
// ISO 639-3; iso-639-3 (same author) maps its codes to the ISO 639-1 subtags of BCP 47, plus a small table for
// languages franc reports as an individual language of a macrolanguage (cmn -> zh, nob -> no, arb -> ar...).
import { francAll } from 'franc';
import { iso6393To1 } from 'iso-639-3';
import { textOf } from './words.ts';

/** franc's individual-language codes whose BCP 47 subtag is the macrolanguage's 639-1 code. */
const MACRO: Record<string, string> = {
  cmn: 'zh',
  nob: 'no',
  nno: 'no',
  arb: 'ar',
  zsm: 'ms',
  pes: 'fa',
  prs: 'fa',
  swh: 'sw',
  ekk: 'et',
  lvs: 'lv',
  uzn: 'uz',
  azj: 'az',
  als: 'sq',
  khk: 'mn',
  npi: 'ne',
  ydd: 'yi',
  plt: 'mg',
  gaz: 'om',
  quy: 'qu',
  ckb: 'ku',
  kmr: 'ku',
  hbs: 'sh',
};

/** Languages close enough that a short or mixed text is easily taken for the other: accepted for each other. */
const CLOSE: string[][] = [
  ['no', 'nb', 'nn', 'da'],
  ['sr', 'hr', 'bs', 'sh'],
  ['ms', 'id'],
  ['en', 'sco'],
  ['gl', 'pt'],
];

/** Below this many letters a guess is noise: the result is "unknown", never a mismatch. */
export const MIN_LETTERS = 120;
/**
 * The requested language counts as detected when franc scores it this close to the best (franc's top score is 1).
 * franc's scores sit close together (for a 200-word Spanish text: spa 1, glg 0.981, por 0.975), so only a near tie
 * is given the benefit of the doubt.
 */
const NEAR_TOP = 0.995;
/** The lead over the runner-up that counts as full confidence (200-word paragraphs lead by 0.02-0.06). */
const FULL_MARGIN = 0.05;

export interface LanguageCheck {
  /** BCP 47 primary subtag detected (e.g. 'de'), or null when the text is too short or the guess too unsure. */
  detected: string | null;
  /** true/false when detection was confident enough to judge, null when unknown. */
  matches: boolean | null;
  /** 0..1: the best guess's lead over the runner-up language, FULL_MARGIN or more = 1 (0 when unknown or a tie). */
  confidence: number;
}

/** ISO 639-3 (franc) -> BCP 47 primary subtag; the 639-3 code itself when there is no 2-letter code. */
export function toBcp47(code: string): string {
  return MACRO[code] ?? iso6393To1[code] ?? code;
}

/** The primary language subtag of a BCP 47 tag, lowercased ('pt-BR' -> 'pt', 'zh_Hant' -> 'zh'). */
export function primarySubtag(tag: string): string {
  return tag.trim().split(/[-_]/)[0]!.toLowerCase();
}

function sameLanguage(a: string, b: string): boolean {
  if (a === b) return true;
  return CLOSE.some((group) => group.includes(a) && group.includes(b));
}

/** Detects the language of text, HTML or block markup and compares it with the requested BCP 47 tag. */
export function checkLanguage(content: string, requested: string): LanguageCheck {
  const text = textOf(content);
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const unknown: LanguageCheck = { detected: null, matches: null, confidence: 0 };
  if (letters < MIN_LETTERS) return unknown;

  const ranked = francAll(text, { minLength: 10 }).filter(([code]) => code !== 'und');
  const best = ranked[0];
  if (!best) return unknown;
  const want = primarySubtag(requested);
  const detected = toBcp47(best[0]);
  const runnerUp = ranked.find(([code]) => !sameLanguage(toBcp47(code), detected));
  const margin = best[1] - (runnerUp?.[1] ?? 0);
  const confidence = Math.round(Math.min(1, Math.max(0, margin / FULL_MARGIN)) * 100) / 100;

  if (sameLanguage(detected, want)) return { detected, matches: true, confidence };
  // The requested language scores (almost) as well as the best guess: too close to call a mismatch.
  const wanted = ranked.find(([code]) => sameLanguage(toBcp47(code), want));
  if (wanted && wanted[1] >= NEAR_TOP) return { detected: want, matches: true, confidence: 0 };
  return { detected, matches: false, confidence };
}
