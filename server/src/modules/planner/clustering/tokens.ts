import { stemmer } from 'stemmer';

/**
 * English function words: they say nothing about a keyword's topic ("how to tie a tie" and "tie a tie" are one
 * topic). Kept short on purpose: words such as "best", "vs" or "near" carry intent, and are handled as modifiers.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `a an and are as at be been being but by can could did do does doing for from had has have having he her his how
  i if in into is it its me my of on or our she should so than that the their them then there these they this those
  to too up us was we were what when where which while who whom why will with would you your yours vs versus via
  about after before over under also just get got de la el en le les des du un une y`
    .split(/\s+/u)
    .filter(Boolean),
);

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

export interface Tokenized {
  /** Distinct stems of the topic words, sorted. */
  stems: string[];
  /** Distinct stems of modifier words, sorted (they weigh little). */
  modifiers: string[];
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/**
 * Splits a normalized keyword into stems: words of letters and digits, English stop words removed, each word
 * stemmed with the Porter stemmer when the language is English (other languages keep the words as they are, which
 * still groups exact word matches).
 */
export function tokenize(normalized: string, language = 'en'): Tokenized {
  const english = language.toLowerCase().startsWith('en');
  const stems = new Set<string>();
  const modifiers = new Set<string>();
  for (const match of normalized.matchAll(WORD)) {
    // "women's" -> "women": the possessive does not change the topic.
    const word = match[0].replace(/['’]s$/u, '').replace(/['’]/gu, '');
    if (!word || (english && ENGLISH_STOP_WORDS.has(word))) continue;
    if (NUMBER.test(word) || (english && MODIFIER_WORDS.has(word))) {
      modifiers.add(word);
      continue;
    }
    stems.add(english ? stemmer(word) : word);
  }
  return { stems: [...stems].sort(), modifiers: [...modifiers].sort() };
}
