import { stemmer as frenchStem } from '@orama/stemmers/french';
import { stemmer as germanStem } from '@orama/stemmers/german';
import { stemmer as spanishStem } from '@orama/stemmers/spanish';
import { stemmer as englishStem } from 'stemmer';

/**
 * English function words: they say nothing about a keyword's topic ("how to tie a tie" and "tie a tie" are one
 * topic). Kept short on purpose: words such as "best", "vs" or "near" carry intent, and are handled as modifiers.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `a an and are as at be been being but by can could did do does doing for from had has have having he her his how
  i if in into is it its me my of on or our she should so than that the their them then there these they this those
  to too up us was we were what when where which while who whom why will with would you your yours vs versus via
  about after before over under also just get got de la el en le les des du un une y am many much`
    .split(/\s+/u)
    .filter(Boolean),
);

/** Function words of the other languages whose words are stemmed (Snowball stemmers from @orama/stemmers). */
const STOP_WORDS: Record<string, ReadonlySet<string>> = {
  en: ENGLISH_STOP_WORDS,
  es: new Set(
    `a al algo como cómo con cual cuál cuando cuándo cuanto cuánto cuánta cuántos de del donde dónde el ella en es
    esta este hay la las lo los más me mi mis muy no o para pero por que qué se sin sobre su sus te tu un una uno
    unos unas y ya lleva`.split(/\s+/u),
  ),
  de: new Set(
    `aber als am an auf aus bei bin bis da das dass dem den der des die du ein eine einem einen einer es für hat
    ich im in ist ja kann man mit nach nicht noch nur oder sich sie so um und vom von vor was wie wo zu zum zur viel
    viele welche wann warum wer`.split(/\s+/u),
  ),
  fr: new Set(
    `à au aux avec ce ces combien comme comment dans de des du elle en est et il la le les leur mais mon ne ou où
    par pas pour qu que quel quelle qui sa se ses son sur ta ton un une vos votre y d l`.split(/\s+/u),
  ),
};

const STEMMERS: Record<string, (word: string) => string> = {
  en: englishStem,
  es: spanishStem,
  de: germanStem,
  fr: frenchStem,
};

/**
 * Words that change a keyword's intent or angle but not its topic ("best running shoes", "cheap running shoes" and
 * "running shoes 2024" are one article's keywords). They still count, with a small weight, so that two keywords made
 * only of modifiers are not similar by accident.
 */
export const MODIFIER_WORDS: ReadonlySet<string> = new Set(
  `best top cheap cheapest affordable budget buy order purchase price prices pricing cost costs review reviews rated
  compare comparison alternative alternatives guide tutorial tips ideas examples meaning definition free online new
  good great near nearby me sale deal deals discount coupon shop store easy simple quick fast beginner beginners
  list ultimate complete vs vs. worth legit official recipe recipes make homemade`
    .split(/\s+/u)
    .filter(Boolean),
);

/** Years and bare numbers are modifiers too ("best laptops 2025"). */
const NUMBER = /^\d+$/u;

/**
 * Words and letters only one of the stemmed languages uses: a keyword that has them is that language's, whatever the
 * sector's language (sectors often mix a few foreign keywords in). Words shared by two languages ("de", "la") are not
 * listed.
 */
const MARKERS: Record<string, ReadonlySet<string>> = {
  es: new Set('para con cómo cuánto cuánta qué del los las por sin mejores hoy una'.split(' ')),
  de: new Set('der das und für mit von wie viel zum zur selber nicht'.split(' ')),
  fr: new Set('le les pour avec sans du au aux à comment combien'.split(' ')),
};
const LETTERS: [RegExp, string][] = [
  [/[ñ¿¡]/u, 'es'],
  [/[äöüß]/u, 'de'],
  [/[èêëçûôîœ]/u, 'fr'],
];

export interface Tokenized {
  /** Distinct stems of the topic words, sorted. */
  stems: string[];
  /** Distinct stems of modifier words, sorted (they weigh little). */
  modifiers: string[];
}

export interface AnalyzedKeyword extends Tokenized {
  /** The language the words were read in: the sector's, or another stemmed one the keyword's own words show. */
  language: string;
  /** The topic words in their order, as written, and their stems (same positions). */
  words: string[];
  wordStems: string[];
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** The base language code ("en-GB" -> "en"). */
const base = (language: string) => language.toLowerCase().split(/[-_]/u)[0]!;

/** The language of a keyword: a stemmed language its words or letters show, else the sector's. */
export function keywordLanguage(words: readonly string[], text: string, sectorLanguage: string): string {
  const fallback = base(sectorLanguage);
  let best = '';
  let bestCount = 0;
  for (const [language, markers] of Object.entries(MARKERS)) {
    let count = 0;
    for (const w of words) if (markers.has(w)) count++;
    if (count > bestCount) {
      best = language;
      bestCount = count;
    }
  }
  if (best) return best;
  for (const [pattern, language] of LETTERS) if (pattern.test(text)) return language;
  return fallback;
}

function rawWords(normalized: string): string[] {
  const raw: string[] = [];
  // "women's" -> "women": the possessive does not change the topic.
  for (const match of normalized.matchAll(WORD)) raw.push(match[0].replace(/['’]s$/u, '').replace(/['’]/gu, ''));
  return raw.filter(Boolean);
}

function analyzeWords(raw: readonly string[], lang: string, stemOf: (word: string) => string): AnalyzedKeyword {
  const stop = STOP_WORDS[lang];
  const stems = new Set<string>();
  const modifiers = new Set<string>();
  const words: string[] = [];
  const wordStems: string[] = [];
  for (const word of raw) {
    if (stop?.has(word)) continue;
    if (NUMBER.test(word) || (lang === 'en' && MODIFIER_WORDS.has(word))) {
      modifiers.add(word);
      continue;
    }
    const s = stemOf(word);
    stems.add(s);
    words.push(word);
    wordStems.push(s);
  }
  if (!stems.size) {
    // Only modifiers ("how to make a budget"): they are the topic words, then.
    for (const word of raw) {
      if (stop?.has(word) || NUMBER.test(word)) continue;
      const s = stemOf(word);
      stems.add(s);
      words.push(word);
      wordStems.push(s);
      modifiers.delete(word);
    }
  }
  return { language: lang, stems: [...stems].sort(), modifiers: [...modifiers].sort(), words, wordStems };
}

const stemmerFor = (language: string) => STEMMERS[language] ?? ((word: string) => word);

/**
 * Reads a normalized keyword: its words of letters and digits, the language's stop words removed, each word stemmed
 * with the language's Snowball stemmer (English: Porter's) when there is one (other languages keep the words as they
 * are, which still groups exact word matches), modifiers set apart.
 */
export function analyzeKeyword(normalized: string, language = 'en'): AnalyzedKeyword {
  const raw = rawWords(normalized);
  const lang = keywordLanguage(raw, normalized, language);
  return analyzeWords(raw, lang, stemmerFor(lang));
}

/**
 * Reads a list of keywords (see analyzeKeyword) so that a word is stemmed the same way wherever it appears: in the
 * language of most keywords it appears in ("abnehmen" in "schnell abnehmen", read as the sector's English, and in
 * "abnehmen am bauch", read as German), ties going to the sector's language.
 */
export function analyzeKeywords(normalized: readonly string[], language = 'en'): AnalyzedKeyword[] {
  const fallback = base(language);
  const raws = normalized.map(rawWords);
  const langs = raws.map((raw, i) => keywordLanguage(raw, normalized[i]!, language));
  const votes = new Map<string, Map<string, number>>();
  raws.forEach((raw, i) => {
    for (const word of raw) {
      const v = votes.get(word) ?? new Map<string, number>();
      votes.set(word, v);
      v.set(langs[i]!, (v.get(langs[i]!) ?? 0) + 1);
    }
  });
  const stems = new Map<string, string>();
  const stemOf = (word: string) => {
    let s = stems.get(word);
    if (s === undefined) {
      let best = fallback;
      let bestVotes = 0;
      for (const [lang, count] of votes.get(word) ?? []) {
        if (count > bestVotes || (count === bestVotes && lang === fallback)) {
          best = lang;
          bestVotes = count;
        }
      }
      s = stemmerFor(best)(word);
      stems.set(word, s);
    }
    return s;
  };
  return raws.map((raw, i) => analyzeWords(raw, langs[i]!, stemOf));
}

/** The stems and modifiers of a normalized keyword (see analyzeKeyword). */
export function tokenize(normalized: string, language = 'en'): Tokenized {
  const { stems, modifiers } = analyzeKeyword(normalized, language);
  return { stems, modifiers };
}
